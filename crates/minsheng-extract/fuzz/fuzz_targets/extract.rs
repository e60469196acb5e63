//! Extraction never panics, and every span lies on char boundaries inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let x = minsheng_extract::extract(text);
    let ok = |s: minsheng_extract::Span| {
        s.start <= s.end && s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
    };
    for sec in &x.sections {
        assert!(ok(sec.span));
        for item in &sec.items {
            assert!(ok(item.span));
            for t in &item.targets {
                assert!(ok(t.span));
            }
        }
    }
    for f in &x.narrative {
        assert!(ok(f.span));
    }
    for d in &x.diagnostics {
        assert!(ok(d.span));
    }
    for p in &x.projects {
        assert!(ok(p.span) && ok(p.extent));
        let amounts = p.investment.iter().chain(&p.annual_investment).chain(&p.output_value);
        for f in amounts {
            assert!(ok(f.span));
        }
        for c in &p.capacities {
            assert!(ok(c.span));
        }
        for d in &p.dates {
            assert!(ok(d.span));
        }
    }
    for g in &x.goals {
        assert!(ok(g.span));
        assert!(g.parent.is_none_or(|k| k < x.goals.len()));
    }
    let _ = minsheng_extract::render_table(&x);
});
