//! A plan's source text cut at its targets' phrases, so each phrase can be highlighted where
//! the document says it (the item page, the target page).

use minsheng_domain::TargetSpan;

/// A piece of the item's source text, highlighted when a target was read from it.
pub(crate) struct Piece {
    /// The text.
    pub text: String,
    /// The target read from it, by its sequence number within the item.
    pub target: Option<u32>,
}

/// Cuts the item's source text at its targets' spans, so each phrase can be highlighted.
pub(crate) fn source_pieces(
    text: &str,
    item: Option<TargetSpan>,
    targets: &[(u32, TargetSpan)],
) -> Vec<Piece> {
    let Some(item) = item.filter(|s| {
        s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
    }) else {
        return Vec::new();
    };
    let mut spans: Vec<(u32, TargetSpan)> = targets
        .iter()
        .copied()
        .filter(|(_, s)| item.start <= s.start && s.end <= item.end && s.start < s.end)
        .filter(|(_, s)| text.is_char_boundary(s.start) && text.is_char_boundary(s.end))
        .collect();
    spans.sort_by_key(|(_, s)| s.start);
    let mut out = Vec::new();
    let mut at = item.start;
    for (seq, s) in spans {
        if s.start < at {
            continue; // overlapping phrases: keep the first
        }
        if s.start > at {
            out.push(Piece {
                text: text[at..s.start].to_string(),
                target: None,
            });
        }
        out.push(Piece {
            text: text[s.start..s.end].to_string(),
            target: Some(seq),
        });
        at = s.end;
    }
    if at < item.end {
        out.push(Piece {
            text: text[at..item.end].to_string(),
            target: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_each_phrase_once() {
        let text = "前言\n1.城镇新增就业23万人;实现零就业家庭动态清零。\n";
        let start = text.find("1.").unwrap();
        let end = text.rfind('\n').unwrap();
        let t1 = text.find("城镇新增就业23万人").unwrap();
        let t1 = TargetSpan {
            start: t1,
            end: t1 + "城镇新增就业23万人".len(),
        };
        let pieces = source_pieces(text, Some(TargetSpan { start, end }), &[(1, t1)]);
        let marked: Vec<_> = pieces
            .iter()
            .filter(|p| p.target.is_some())
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, ["城镇新增就业23万人"]);
        let whole: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(whole, &text[start..end]);
        // A span off a char boundary is dropped, never panics.
        let bad = TargetSpan {
            start: t1.start + 1,
            end: t1.end,
        };
        assert_eq!(
            source_pieces(text, Some(TargetSpan { start, end }), &[(1, bad)]).len(),
            1
        );
    }
}
