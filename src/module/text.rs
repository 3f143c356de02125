//! The text format: modules given as WAT are turned into the binary
//! format here, before decoding.
//!
//! The `wat` parser reads the legacy exception instructions (`try`,
//! `catch`, `catch_all`, `delegate`, `rethrow`) only in their flat form;
//! the folded form that the legacy proposal's own tests and older tools
//! write, `(try (do ...) (catch $e ...) (catch_all ...))` or
//! `(try (do ...) (delegate $l))`, is first rewritten into the flat form
//! (`try ... catch $e ... catch_all ... end`), keeping every line break
//! where it was so that error positions still point at the right line.

use crate::error::{Error, ErrorKind, Result};
use std::borrow::Cow;

/// The binary form of a module given in either form. Bytes that are
/// neither (no `\0asm` magic, no text) and text that does not parse are
/// malformed, with a one-line message.
pub fn to_binary(bytes: &[u8]) -> Result<Cow<'_, [u8]>> {
    if bytes.starts_with(b"\0asm") {
        return Ok(bytes.into());
    }
    let malformed = |message: String| {
        Error::new(ErrorKind::Malformed {
            message,
            offset: None,
        })
    };
    if !matches!(wat::Detect::from_bytes(bytes), wat::Detect::WasmText) {
        return Err(malformed(
            "neither a WebAssembly binary (no \\0asm magic at the start) nor the text format".into(),
        ));
    }
    let unfolded = std::str::from_utf8(bytes).ok().and_then(unfold_legacy_try);
    let text = unfolded.as_deref().map_or(bytes, str::as_bytes);
    let binary = wat::parse_bytes(text).map_err(|e| malformed(one_line(&e.to_string())))?;
    Ok(binary.into_owned().into())
}

/// A text-format error on one line: its message and where it is (the
/// parser's own form shows the source line under it).
fn one_line(error: &str) -> String {
    let mut lines = error.lines();
    let message = lines.next().unwrap_or("").trim().to_string();
    let place = lines
        .find_map(|l| l.trim().strip_prefix("-->"))
        .and_then(|p| {
            p.trim().rsplit_once(':').and_then(|(rest, col)| {
                let line = rest.rsplit_once(':')?.1;
                Some(format!(" (at line {line}, column {col})"))
            })
        });
    message + &place.unwrap_or_default()
}

/// What an open parenthesis in the text belongs to.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    /// Anything but the legacy `try` forms: copied as it is.
    Other,
    /// A folded `(try ...)`; `delegated` once its `(delegate ...)` is seen
    /// (then it ends without `end`).
    Try { delegated: bool },
    /// `(do ...)`, `(catch ...)`, `(catch_all ...)` or `(delegate ...)`
    /// directly inside a `(try ...)`: its parentheses disappear.
    Clause,
}

/// `text` with every folded legacy `try` form rewritten into the flat
/// form, or `None` when it has none (the common case: nothing is copied).
/// Strings and comments are left alone; malformed text is rewritten as
/// far as it can be and left for the parser to report.
pub fn unfold_legacy_try(text: &str) -> Option<String> {
    if !text.contains("(do") && !text.contains("( do") {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 64);
    let mut stack: Vec<Open> = Vec::new();
    let mut changed = false;
    let mut i = 0;
    // Copies text[from..to] (always at character boundaries: every cut
    // is at an ASCII byte).
    let copy = |out: &mut String, from: usize, to: usize| out.push_str(&text[from..to]);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                // A string: up to the closing quote, skipping escapes.
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                copy(&mut out, start, i);
            }
            b';' if bytes.get(i + 1) == Some(&b';') => {
                let start = i;
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                copy(&mut out, start, i);
            }
            b'(' if bytes.get(i + 1) == Some(&b';') => {
                // A block comment, which may nest.
                let start = i;
                let mut depth = 0usize;
                while i < bytes.len() {
                    if bytes[i] == b'(' && bytes.get(i + 1) == Some(&b';') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b';' && bytes.get(i + 1) == Some(&b')') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                copy(&mut out, start, i.min(bytes.len()));
            }
            b'(' => {
                let (head, head_end) = head_keyword(bytes, i + 1);
                let in_try = matches!(stack.last(), Some(Open::Try { .. }));
                match head {
                    b"try" => {
                        stack.push(Open::Try { delegated: false });
                        out.push(' ');
                        i += 1;
                    }
                    b"do" if in_try => {
                        stack.push(Open::Clause);
                        // `(do` becomes blanks: the body follows the block type.
                        for _ in i..head_end {
                            out.push(' ');
                        }
                        i = head_end;
                        changed = true;
                    }
                    b"catch" | b"catch_all" | b"delegate" if in_try => {
                        if head == b"delegate"
                            && let Some(Open::Try { delegated }) = stack.last_mut()
                        {
                            *delegated = true;
                        }
                        stack.push(Open::Clause);
                        out.push(' ');
                        i += 1;
                        changed = true;
                    }
                    _ => {
                        stack.push(Open::Other);
                        out.push('(');
                        i += 1;
                    }
                }
            }
            b')' => {
                match stack.pop() {
                    Some(Open::Try { delegated: false }) => out.push_str(" end"),
                    Some(Open::Try { delegated: true }) | Some(Open::Clause) => out.push(' '),
                    Some(Open::Other) | None => out.push(')'),
                }
                i += 1;
            }
            _ => {
                // Plain text up to the next character that matters.
                let start = i;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b';' | b'(' | b')') {
                    i += 1;
                }
                if i == start {
                    i += 1;
                }
                copy(&mut out, start, i);
            }
        }
    }
    changed.then_some(out)
}

/// The keyword right after an open parenthesis at `from` (after optional
/// blanks), and where it ends.
fn head_keyword(bytes: &[u8], mut from: usize) -> (&[u8], usize) {
    while from < bytes.len() && matches!(bytes[from], b' ' | b'\t' | b'\n' | b'\r') {
        from += 1;
    }
    let mut end = from;
    while end < bytes.len()
        && !matches!(
            bytes[end],
            b' ' | b'\t' | b'\n' | b'\r' | b'(' | b')' | b'"' | b';'
        )
    {
        end += 1;
    }
    (&bytes[from..end], end)
}

#[cfg(test)]
mod tests {
    use super::unfold_legacy_try;

    #[test]
    fn text_without_legacy_try_is_not_copied() {
        assert_eq!(
            unfold_legacy_try("(module (func (block (nop))))"),
            None
        );
    }

    #[test]
    fn a_folded_try_with_catches_becomes_flat_with_end() {
        let out = unfold_legacy_try(
            "(try (result i32) (do (i32.const 1)) (catch $e (i32.const 2)) (catch_all (i32.const 3)))",
        )
        .expect("rewritten");
        let words: Vec<&str> = out.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "try", "(result", "i32)", "(i32.const", "1)", "catch", "$e", "(i32.const", "2)",
                "catch_all", "(i32.const", "3)", "end"
            ]
        );
    }

    #[test]
    fn a_folded_try_with_delegate_ends_at_the_delegate() {
        let out = unfold_legacy_try("(try $t (do (try (do (nop)) (delegate $t))) (catch_all))")
            .expect("rewritten");
        let words: Vec<&str> = out.split_whitespace().collect();
        assert_eq!(
            words,
            ["try", "$t", "try", "(nop)", "delegate", "$t", "catch_all", "end"]
        );
    }

    #[test]
    fn strings_comments_and_try_table_catches_are_left_alone() {
        let text = "(do) ;; (try (do))\n(; (try (do)) ;) \"(try (do))\" (try_table (catch $e 0))";
        // Nothing inside a try: `(do)` at the top is not a clause.
        assert_eq!(unfold_legacy_try(text), None);
    }

    #[test]
    fn line_breaks_stay_where_they_were() {
        let text = "(try\n  (do\n    (nop))\n  (catch_all))";
        let out = unfold_legacy_try(text).expect("rewritten");
        assert_eq!(out.lines().count(), text.lines().count());
    }
}
