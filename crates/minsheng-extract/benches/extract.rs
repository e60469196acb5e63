//! Throughput of `extract` in MB/s: the seed document, and a ~10 MB
//! concatenation of the whole corpus. Run with `cargo bench -p minsheng-extract`.

use divan::Bencher;
use divan::counter::BytesCount;

fn main() {
    divan::main();
}

const SEED: &str = include_str!("../../../corpus/jilin-2023.txt");
const CORPUS: &[&str] = &[
    include_str!("../../../corpus/jilin-2023.txt"),
    include_str!("../../../corpus/chengdu-2023.txt"),
    include_str!("../../../corpus/guangdong-2023.txt"),
    include_str!("../../../corpus/jiaxing-2023-duties.txt"),
];

/// Every corpus document, the four above and the twelve added for issue #13.
const CORPUS_ALL: &[&str] = &[
    include_str!("../../../corpus/jilin-2023.txt"),
    include_str!("../../../corpus/chengdu-2023.txt"),
    include_str!("../../../corpus/guangdong-2023.txt"),
    include_str!("../../../corpus/jiaxing-2023-duties.txt"),
    include_str!("../../../corpus/chongchuan-2023.txt"),
    include_str!("../../../corpus/chongming-2019.txt"),
    include_str!("../../../corpus/fujian-2022.txt"),
    include_str!("../../../corpus/gangu-2020.txt"),
    include_str!("../../../corpus/jingzhou-2023.txt"),
    include_str!("../../../corpus/langao-2023.txt"),
    include_str!("../../../corpus/lanzhou-2019.txt"),
    include_str!("../../../corpus/linan-2022.txt"),
    include_str!("../../../corpus/shantou-2023.txt"),
    include_str!("../../../corpus/xiamen-2025.txt"),
    include_str!("../../../corpus/yuanjiang-2023.txt"),
    include_str!("../../../corpus/yunnan-2025.txt"),
];

/// `docs` repeated until they reach 10 MB.
fn ten_megabytes(docs: &[&str]) -> String {
    let mut s = String::with_capacity(10 * 1024 * 1024 + 64 * 1024);
    while s.len() < 10 * 1024 * 1024 {
        for doc in docs {
            s.push_str(doc);
            s.push('\n');
        }
    }
    s
}

#[divan::bench]
fn seed(b: Bencher<'_, '_>) {
    b.counter(BytesCount::of_str(SEED))
        .bench(|| minsheng_extract::extract(divan::black_box(SEED)));
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn corpus_10mb(b: Bencher<'_, '_>) {
    let text = ten_megabytes(CORPUS);
    b.counter(BytesCount::of_str(&text))
        .bench(|| minsheng_extract::extract(divan::black_box(&text)));
}

/// The same over all sixteen corpus documents (their layouts: inline lists, tables, chrome).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn corpus_all_10mb(b: Bencher<'_, '_>) {
    let text = ten_megabytes(CORPUS_ALL);
    b.counter(BytesCount::of_str(&text))
        .bench(|| minsheng_extract::extract(divan::black_box(&text)));
}

/// One numbered item whose single line holds `n` quantities, then a narrative line of the same:
/// the time per byte stays flat as `n` grows when no rule looks back over the line (a
/// quadratic look-back shows as MB/s falling with `n`).
#[divan::bench(args = [5_000, 20_000, 50_000], sample_count = 5, sample_size = 1)]
fn long_line(b: Bencher<'_, '_>, n: usize) {
    let line = "新增12个".repeat(n);
    let text = format!("1.{line}。\n{line}。");
    b.counter(BytesCount::of_str(&text))
        .bench(|| minsheng_extract::extract(divan::black_box(&text)));
}

/// An ordinary plan with no project paragraph (chengdu-2023): what the project and goal
/// readers cost a plan they find nothing in.
#[divan::bench]
fn plan_without_projects(b: Bencher<'_, '_>) {
    const PLAN: &str = include_str!("../../../corpus/chengdu-2023.txt");
    b.counter(BytesCount::of_str(PLAN))
        .bench(|| minsheng_extract::extract(divan::black_box(PLAN)));
}
