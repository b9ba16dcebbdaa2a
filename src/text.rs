//! Text rules shared by every validator (compiled for the browser too).

/// Whether `c` has no business in names, addresses, emails or listing text: control characters,
/// and the bidirectional embedding, override and isolate controls (U+202A–U+202E,
/// U+2066–U+2069), which can make text display as something other than what it is (an
/// address or a part number read backwards).
pub fn is_hidden_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A part number reduced to what identifies it: lower case, no separators. `BP-123`,
/// `bp 123` and `B.P.123` all become `bp123`. (The parts table's `model_key` is the same rule
/// in SQL.)
pub fn normalize_part_number(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '.' | '/' | '_') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_hidden_control;

    #[test]
    fn controls_and_bidi_overrides_are_hidden_controls() {
        for c in [
            '\0', '\n', '\u{7f}', '\u{202E}', '\u{202A}', '\u{2066}', '\u{2069}',
        ] {
            assert!(is_hidden_control(c), "{c:?}");
        }
        // Ordinary letters, marks and joiners (emoji, Persian ZWNJ) are text.
        for c in ['a', 'ß', 'é', '\u{0301}', '\u{200D}', '\u{200C}', '😀', 'ع'] {
            assert!(!is_hidden_control(c), "{c:?}");
        }
    }
}
