//! Scores every `corpus/*.txt` against its `.gold.json` and snapshots the table.

use std::path::PathBuf;

use crate::gold::{Document, Value};
use crate::score::{Score, score};

fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus"))
}

/// (name, score) for every document in the corpus, sorted by name.
fn score_all() -> Vec<(String, Score)> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".txt").map(str::to_string))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no corpus documents found");
    names
        .into_iter()
        .map(|name| {
            let dir = corpus_dir();
            let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).expect("text");
            let gold_json =
                std::fs::read_to_string(dir.join(format!("{name}.gold.json"))).expect("gold");
            let gold = Document::from_json(&gold_json).expect("gold parses");
            let x = crate::extract(&text);
            super::assert_spans(&text, &x);
            let got = Document::from_extraction(&x, &format!("{name}.txt"));
            let s = score(&gold, &got);
            (name, s)
        })
        .collect()
}

#[test]
fn corpus_scores() {
    let all = score_all();
    let table: String = all.iter().map(|(_, s)| s.to_string()).collect();
    insta::assert_snapshot!("corpus_scores", table);
    for (name, s) in &all {
        assert_eq!(
            s.items.fp + s.items.fn_,
            0,
            "{name}: items must be exact\n{s}"
        );
        match s.targets.f1() {
            // No gold targets: precision only (every extracted target is a false one).
            None => assert!(
                s.targets.precision() >= 0.95,
                "{name}: target precision\n{s}"
            ),
            Some(f1) if name == "jilin-2023" => {
                assert!((f1 - 1.0).abs() < 1e-12, "{name}: target F1 {f1}\n{s}");
            }
            Some(f1) => assert!(f1 >= 0.95, "{name}: target F1 {f1}\n{s}"),
        }
        assert!(s.declared_correct, "{name}: declared counts\n{s}");
        assert!(s.sections_correct, "{name}: sections\n{s}");
    }
}

#[test]
fn gold_round_trips() {
    for entry in std::fs::read_dir(corpus_dir()).expect("corpus dir") {
        let path = entry.expect("entry").path();
        if !path.to_string_lossy().ends_with(".gold.json") {
            continue;
        }
        let json = std::fs::read_to_string(&path).expect("read");
        let doc = Document::from_json(&json).expect("parse");
        let again = Document::from_json(&doc.to_json()).expect("reparse");
        assert_eq!(doc, again, "{}", path.display());
    }
}

#[test]
fn values_are_integers_when_whole() {
    let v = |s: &str| serde_json::to_string(&Value(s.parse().expect("decimal"))).expect("json");
    assert_eq!(v("230000"), "230000");
    assert_eq!(v("1100000000000"), "1100000000000");
    assert_eq!(v("1.3"), "1.3");
    assert_eq!(v("16000.0"), "16000");
}

#[test]
fn score_rules() {
    let gold = Document::from_json(
        r#"{"source":"t","title":null,"year":null,"declared":{"sections":null,"items":null},
        "sections":[{"no":1,"title":null,"declared_items":null,"items":[
          {"no":1,"text":"a","leads":["x"],"targets":[
            {"value":100,"unit":"名","cmp":"ge","phrase":"p"},
            {"value":0,"unit":"","cmp":"le","phrase":"q"},
            {"value":3000,"unit":"元","cmp":"ge","phrase":"r","optional":true}]}]}]}"#,
    )
    .expect("gold");
    let mut got = gold.clone();
    let item = &mut got.sections[0].items[0];
    item.targets[0].unit = "人".into();
    item.targets[1].unit = "户".into();
    item.targets[1].cmp = crate::gold::GoldCmp::Ge;
    item.targets[2].optional = false;
    let s = score(&gold, &got);
    assert_eq!((s.targets.tp, s.targets.fp, s.targets.fn_), (2, 0, 0));
    assert_eq!(s.cmp_agree, 1);
    item_without_optional(&gold);
}

fn item_without_optional(gold: &Document) {
    let mut got = gold.clone();
    got.sections[0].items[0].targets.truncate(2);
    got.sections[0].items[0].leads.clear();
    let s = score(gold, &got);
    assert_eq!((s.targets.tp, s.targets.fp, s.targets.fn_), (2, 0, 0));
    assert_eq!((s.leads.tp, s.leads.fn_), (0, 1));
}
