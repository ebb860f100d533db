//! Fitting text to columns by its display width (what the terminal shows), not by `chars()`:
//! a wide character takes two columns, a combining accent none.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The columns a text takes on screen (plain ASCII, most of what is drawn: one a byte).
pub fn width(text: &str) -> usize {
    if text.is_ascii() { text.len() } else { UnicodeWidthStr::width(text) }
}

/// Cut a text to at most `columns`, with an ellipsis when cut.
pub fn fit(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_owned();
    }
    if text.is_ascii() && columns > 0 {
        return format!("{}…", &text[..columns - 1]);
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > columns {
            break;
        }
        used += w;
        cut.push(c);
    }
    if columns > 0 {
        cut.push('…');
    }
    cut
}

/// Cut or pad a text to exactly `columns`.
pub fn pad(text: &str, columns: usize) -> String {
    let mut fitted = fit(text, columns);
    let missing = columns.saturating_sub(width(&fitted));
    fitted.extend(std::iter::repeat_n(' ', missing));
    fitted
}

/// Wrap a text into lines of at most `columns`, at spaces where it can (a word longer than a
/// line is broken), keeping every character: nothing is cut.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let needed = if line.is_empty() { width(word) } else { width(&line) + 1 + width(word) };
        if needed <= columns {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            if width(&line) + c.width().unwrap_or(0) > columns {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_counts_columns_not_characters() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 3), "abc");
        // Each of these takes two columns.
        assert_eq!(fit("日本語です", 5), "日本…");
        assert_eq!(width(&fit("日本語です", 5)), 5);
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(width(&pad("日本語", 4)), 4);
    }

    #[test]
    fn wrap_keeps_every_character() {
        let text = "Suspected cauda equina syndrome: saddle numbness with bladder change";
        let lines = wrap(text, 20);
        assert!(lines.iter().all(|l| width(l) <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
    }
}
