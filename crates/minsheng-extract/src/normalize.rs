//! Text as printed versus text as parsed.
//!
//! The corpus keeps item text *as printed* (full-width and half-width punctuation
//! kept) but with all white space removed. Parsing, on the other hand, wants one
//! spelling per symbol. [`Compact`] holds both at once: the printed, white-space-free
//! string and, per character, its folded form plus its byte offset in the input, so
//! that any run of parsed characters maps back to a [`Span`] of the source.

use crate::Span;

/// Folds full-width ASCII (U+FF01–FF5E) to ASCII and the ideographic space to a
/// space. Every other character is returned unchanged (NFKC is deliberately not
/// used: it would rewrite units such as ㎡ and list markers such as ①).
#[must_use]
#[inline]
pub fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// White space as PDF extraction leaves it: Unicode white space plus the BOM
/// and zero-width characters.
#[must_use]
#[inline]
pub fn is_space(c: char) -> bool {
    // Above U+3000 Unicode has no white space; only the BOM matters there.
    if (c as u32) > 0x3000 {
        return c == '\u{FEFF}';
    }
    c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}')
}

/// Removes all white space, keeping everything else as printed.
#[must_use]
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|&c| !is_space(c)).collect()
}

/// Sentence-final punctuation: a line ending in one of these is complete.
#[must_use]
pub fn is_terminal(c: char) -> bool {
    matches!(fold(c), '。' | ';' | '!' | '?' | '；')
}

/// One character of a [`Compact`] string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ch {
    /// The folded character, for parsing.
    pub c: char,
    /// Byte offset of the printed character in [`Compact::text`].
    pub at: usize,
    /// Byte offset of the character in the input.
    pub src: usize,
    /// UTF-8 length of the printed character.
    pub len: usize,
}

/// A white-space-free string with a per-character map back to the input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compact {
    /// The text as printed, white space removed.
    pub text: String,
    /// One entry per character of `text`, folded.
    pub chars: Vec<Ch>,
    /// The folded characters alone (the same as `chars[k].c`), for parsing.
    pub folded: Vec<char>,
}

impl Compact {
    /// An empty compact string.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `input[span]`, dropping white space.
    pub fn push_span(&mut self, input: &str, span: Span) {
        let Some(part) = input.get(span.start..span.end) else {
            return;
        };
        self.text.reserve(part.len());
        self.chars.reserve(part.len() / 3 + 1);
        self.folded.reserve(part.len() / 3 + 1);
        for (i, c) in part.char_indices() {
            if is_space(c) {
                continue;
            }
            let f = fold(c);
            self.folded.push(f);
            self.chars.push(Ch {
                c: f,
                at: self.text.len(),
                src: span.start + i,
                len: c.len_utf8(),
            });
            self.text.push(c);
        }
    }

    /// Builds a compact string from one span of the input.
    #[must_use]
    pub fn from_span(input: &str, span: Span) -> Self {
        let mut c = Self::new();
        c.push_span(input, span);
        c
    }

    /// Number of characters.
    #[must_use]
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Whether there are no characters.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The folded character at `i`, or `'\0'` past either end.
    #[must_use]
    pub fn at(&self, i: usize) -> char {
        self.chars.get(i).map_or('\0', |c| c.c)
    }

    /// Whether the folded characters starting at `i` spell `pat`.
    #[must_use]
    pub fn starts_with_at(&self, i: usize, pat: &str) -> bool {
        for (j, p) in (i..).zip(pat.chars()) {
            if self.at(j) != p {
                return false;
            }
        }
        true
    }

    /// Whether the folded characters ending just before `i` spell `pat`.
    #[must_use]
    pub fn ends_with_at(&self, i: usize, pat: &str) -> bool {
        let n = pat.chars().count();
        i >= n && self.starts_with_at(i - n, pat)
    }

    /// The printed text of characters `from..to` (clamped).
    #[must_use]
    pub fn slice(&self, from: usize, to: usize) -> &str {
        let to = to.min(self.chars.len());
        if from >= to {
            return "";
        }
        let a = self.chars[from].at;
        let b = self.chars[to - 1].at + self.chars[to - 1].len;
        self.text.get(a..b).unwrap_or("")
    }

    /// The input span covered by characters `from..to` (clamped); empty spans sit
    /// at the position of `from`.
    #[must_use]
    pub fn span(&self, from: usize, to: usize) -> Span {
        let to = to.min(self.chars.len());
        if from >= to {
            let at = self
                .chars
                .get(from)
                .or(self.chars.last())
                .map_or(0, |c| c.src);
            return Span { start: at, end: at };
        }
        Span {
            start: self.chars[from].src,
            end: self.chars[to - 1].src + self.chars[to - 1].len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_full_width() {
        let s: String = "２３万人（次）：；，".chars().map(fold).collect();
        assert_eq!(s, "23万人(次):;,");
        assert_eq!(fold('、'), '、');
        assert_eq!(fold('①'), '①');
    }

    #[test]
    fn compact_maps_back() {
        let input = "a b\n　１万";
        let c = Compact::from_span(
            input,
            Span {
                start: 0,
                end: input.len(),
            },
        );
        assert_eq!(c.text, "ab１万");
        assert_eq!(c.at(2), '1');
        let sp = c.span(2, 4);
        assert_eq!(&input[sp.start..sp.end], "１万");
        assert_eq!(c.slice(0, 2), "ab");
    }
}
