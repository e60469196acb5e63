//! Responsible units: "(牵头单位:市住建局)", "责任单位:…", "主办单位:…,协办单位:…",
//! or a table's 责任单位 column.
//!
//! ```text
//! note   ::= "("? (key ":" units)+ ")"?
//! key    ::= lead-key | partner-key | person-key
//! lead-key    ::= 牵头单位 | 责任单位 | 主办单位 | 牵头部门 | 责任部门 | 主责单位 | 实施单位 | 责任主体
//! partner-key ::= 协办单位 | 配合单位 | 参与单位 | 协办部门 | 配合部门
//! person-key  ::= 牵头领导 | 责任领导 | 分管领导 | 联系人    (never reported)
//! units  ::= unit ((、|,|，|;|；|/) unit)*
//! ```

use crate::normalize::{Compact, fold, is_space};

const LEAD_KEYS: &[&str] = &[
    "牵头单位",
    "责任单位",
    "主办单位",
    "牵头部门",
    "责任部门",
    "主责单位",
    "实施单位",
    "责任主体",
];
const PARTNER_KEYS: &[&str] = &["协办单位", "配合单位", "参与单位", "协办部门", "配合部门"];
const PERSON_KEYS: &[&str] = &["牵头领导", "责任领导", "分管领导", "联系人"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Lead,
    Partner,
    Person,
}

/// Finds a key followed by ':' at char index `i` of `s`: (role, chars including ':').
fn key_at(s: &[char], i: usize) -> Option<(Role, usize)> {
    if !matches!(
        s.get(i),
        Some('牵' | '责' | '主' | '协' | '配' | '参' | '分' | '联' | '实')
    ) {
        return None;
    }
    for (keys, role) in [
        (LEAD_KEYS, Role::Lead),
        (PARTNER_KEYS, Role::Partner),
        (PERSON_KEYS, Role::Person),
    ] {
        for k in keys {
            let n = k.chars().count();
            if s.get(i..i + n)
                .is_some_and(|w| w.iter().copied().eq(k.chars()))
            {
                if s.get(i + n) == Some(&':') {
                    return Some((role, n + 1));
                }
                if s.get(i + n).is_none() || s.get(i + n) == Some(&')') {
                    return Some((role, n));
                }
            }
        }
    }
    None
}

/// Whether the line (folded, white space dropped) starts with a responsibility key.
#[must_use]
pub fn is_note_line(line: &str) -> bool {
    let mut buf = ['\0'; 12];
    let mut len = 0;
    for c in line.chars().filter(|&c| !is_space(c)).take(12) {
        buf[len] = fold(c);
        len += 1;
    }
    let s = &buf[..len];
    let start = usize::from(matches!(s.first(), Some('(' | '[' | '【' | '〔')));
    key_at(s, start).is_some() || bare_key_line(line)
}

/// "责任单位 市人社局": a key at the start of the line, then white space.
fn bare_key_line(line: &str) -> bool {
    let t = line.trim_start_matches(is_space);
    LEAD_KEYS
        .iter()
        .chain(PARTNER_KEYS)
        .any(|k| t.strip_prefix(k).is_some_and(|r| r.starts_with(is_space)))
}

/// Turns "责任单位 市人社局" into "责任单位:市人社局".
fn colon_after_bare_keys(note: &str) -> String {
    let mut out = note.to_string();
    for k in LEAD_KEYS.iter().chain(PARTNER_KEYS).chain(PERSON_KEYS) {
        for sp in [" ", "\u{3000}", "\t"] {
            out = out.replace(&format!("{k}{sp}"), &format!("{k}:"));
        }
    }
    out
}

/// Where the responsibility note of an item starts, as a char index into `c`,
/// if the item carries one ("…。(牵头单位:市住建局)", "…责任单位:市人社局").
#[must_use]
pub fn note_start(c: &Compact) -> Option<usize> {
    let s = &c.folded;
    for i in 0..s.len() {
        if key_at(s, i).is_some_and(|(_, n)| s.get(i + n - 1) == Some(&':')) {
            if i > 0 && matches!(s[i - 1], '(' | '[' | '【' | '〔') {
                return Some(i - 1);
            }
            return Some(i);
        }
    }
    None
}

/// Where a trailing "(市教育局牵头,各区县配合)" starts, as a char index into `c`.
#[must_use]
pub fn paren_note_start(c: &Compact) -> Option<usize> {
    let s = &c.folded;
    let mut end = s.len();
    while end > 0 && matches!(s[end - 1], '。' | ';' | '.') {
        end -= 1;
    }
    if end == 0 || s[end - 1] != ')' {
        return None;
    }
    let open = s[..end - 1].iter().rposition(|&c| c == '(')?;
    let inner: String = s[open + 1..end - 1].iter().collect();
    let roles = ["牵头", "负责", "主办", "配合", "协办", "参与"];
    let unit_like = [
        "局", "委", "办", "厅", "院", "部", "府", "会", "司", "中心", "队", "站", "公司", "区",
        "县", "市", "镇", "街道", "集团", "行", "所",
    ];
    // Some group must end with its role: "市教育局牵头", "各区县配合".
    let has_role = inner.split([',', ';', '，', '；']).any(|g| {
        roles
            .iter()
            .any(|r| g.trim_end_matches(is_space).ends_with(r))
    });
    let has_unit = unit_like.iter().any(|u| inner.contains(u));
    (has_role && has_unit && !inner.contains(':')).then_some(open)
}

/// Reads "(市教育局、市财政局牵头,各区县配合)": leads first, then partners.
#[must_use]
pub fn parse_paren_note(note: &str) -> Vec<String> {
    let inner =
        note.trim_matches(|c: char| is_space(c) || matches!(fold(c), '(' | ')' | '。' | ';' | '.'));
    let mut leads = Vec::new();
    let mut partners = Vec::new();
    for group in inner.split(|c: char| matches!(fold(c), ',' | ';')) {
        let g: String = group.chars().filter(|&c| !is_space(c)).collect();
        let (units, partner) = if let Some(u) = ["配合", "协办", "参与"]
            .iter()
            .find_map(|r| g.strip_suffix(r))
        {
            (u.to_string(), true)
        } else if let Some(u) = ["牵头负责", "牵头", "负责", "主办"]
            .iter()
            .find_map(|r| g.strip_suffix(r))
        {
            (u.to_string(), false)
        } else {
            (g.clone(), false)
        };
        let list = split_units(&units);
        if partner {
            partners.extend(list);
        } else {
            leads.extend(list);
        }
    }
    leads.extend(partners);
    leads
}

/// Reads the responsible units of a note: leads first, then partners; persons dropped.
#[must_use]
pub fn parse_note(note: &str) -> Vec<String> {
    let fixed;
    let note = if note.contains(':') || note.contains('：') {
        note
    } else {
        fixed = colon_after_bare_keys(note);
        &fixed
    };
    let s: Vec<char> = note.chars().filter(|&c| !is_space(c)).map(fold).collect();
    let printed: Vec<char> = note.chars().filter(|&c| !is_space(c)).collect();
    let mut leads = Vec::new();
    let mut partners = Vec::new();
    let mut i = 0;
    let mut role: Option<Role> = None;
    let mut value_start = 0;
    let flush = |role: Option<Role>,
                 from: usize,
                 to: usize,
                 leads: &mut Vec<String>,
                 partners: &mut Vec<String>| {
        let Some(role) = role else { return };
        let text: String = printed.get(from..to).unwrap_or(&[]).iter().collect();
        let units = split_units(&text);
        match role {
            Role::Lead => leads.extend(units),
            Role::Partner => partners.extend(units),
            Role::Person => {}
        }
    };
    while i < s.len() {
        if let Some((r, n)) = key_at(&s, i) {
            flush(role, value_start, i, &mut leads, &mut partners);
            role = Some(r);
            i += n;
            value_start = i;
        } else {
            i += 1;
        }
    }
    flush(role, value_start, s.len(), &mut leads, &mut partners);
    leads.extend(partners);
    leads
}

/// Drops bracketed remarks about roles ("(列第一位者为牵头单位,下同)", "(牵头)").
fn drop_remarks(text: &str) -> String {
    const REMARKS: &[&str] = &[
        "牵头",
        "配合",
        "负责",
        "主办",
        "协办",
        "参与",
        "下同",
        "列第一",
        "汇总",
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(['(', '（']) {
        let after = &rest[open..];
        let close = after.find([')', '）']).map_or(after.len(), |k| {
            k + after[k..].chars().next().map_or(1, char::len_utf8)
        });
        let inner = &after[..close];
        out.push_str(&rest[..open]);
        if !REMARKS.iter().any(|w| inner.contains(w)) {
            out.push_str(inner);
        }
        rest = &after[close..];
    }
    out.push_str(rest);
    out
}

/// Splits a cell or note value on 、，,;；/ and drops brackets, white space and
/// trailing punctuation.
#[must_use]
pub fn split_units(text: &str) -> Vec<String> {
    let text = drop_remarks(text);
    text.split(|c: char| matches!(fold(c), '、' | ',' | ';' | '/' | '|'))
        .map(|u| {
            let mut u: String = u.chars().filter(|&c| !is_space(c)).collect();
            // 市教育局(牵头): drop a bracketed role.
            if let Some(open) = u.find(['(', '（']) {
                let tail = &u[open..];
                if ["牵头", "配合", "负责", "主办", "协办", "参与"]
                    .iter()
                    .any(|w| tail.contains(w))
                {
                    u.truncate(open);
                }
            }
            u.trim_matches(|c: char| {
                matches!(
                    fold(c),
                    '(' | ')' | '[' | ']' | '【' | '】' | '〔' | '〕' | '。' | '.' | ':'
                )
            })
            .to_string()
        })
        .filter(|u| !u.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes() {
        assert_eq!(parse_note("(牵头单位:市住建局)"), ["市住建局"]);
        assert_eq!(
            parse_note("（牵头领导：张三；牵头单位：市教育局、市财政局；配合单位：各区县）"),
            ["市教育局", "市财政局", "各区县"]
        );
        assert_eq!(
            parse_note("协办单位:市交通局,主办单位:市公安局"),
            ["市公安局", "市交通局"]
        );
        assert_eq!(
            split_units("市金融办、人行嘉兴市中心支行、 嘉兴银保监分局"),
            ["市金融办", "人行嘉兴市中心支行", "嘉兴银保监分局"]
        );
        assert!(is_note_line("责任单位：市人社局"));
        assert!(is_note_line("责任单位　市人社局、市财政局"));
        assert_eq!(
            parse_note("责任单位　市人社局、市财政局"),
            ["市人社局", "市财政局"]
        );
        assert_eq!(
            split_units("市教育局（牵头）、市财政局"),
            ["市教育局", "市财政局"]
        );
        assert_eq!(
            parse_paren_note("（市教育局、市财政局牵头，各区县配合）"),
            ["市教育局", "市财政局", "各区县"]
        );
        assert!(!is_note_line("加强责任单位管理"));
    }
}
