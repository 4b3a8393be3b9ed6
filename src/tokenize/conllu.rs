//! A CoNLL-U writer for tokenizer output: `# sent_id`, `# text`, one line per surface token and
//! multiword-token ranges (`7-8 لأوباما`, then `7 ل`, `8 أوباما`) where a token is segmented.
//! Only the ID and FORM columns carry information; `SpaceAfter=No` goes in MISC.

use crate::document::{Sentence, Token};
use std::fmt::Write;

/// Appends the CoNLL-U of `sentences`/`tokens` (as made from `text`) to `out`. Sentence ids
/// continue from `first_sent_id`; the next free id is returned.
pub fn write_conllu(
    out: &mut String,
    text: &str,
    sentences: &[Sentence],
    tokens: &[Token],
    first_sent_id: usize,
) -> usize {
    let mut id = first_sent_id;
    let mut t = 0;
    for s in sentences {
        let sent_text = text.get(s.byte_start..s.byte_end).unwrap_or("");
        let _ = writeln!(out, "# sent_id = {id}");
        out.push_str("# text = ");
        let mut space = false;
        for part in sent_text.split_whitespace() {
            if space {
                out.push(' ');
            }
            out.push_str(part);
            space = true;
        }
        out.push('\n');
        let mut word = 1;
        while t < tokens.len() && tokens[t].byte_start < s.byte_end {
            let tok = &tokens[t];
            let form = text.get(tok.byte_start..tok.byte_end).unwrap_or("");
            let space_after = match tokens.get(t + 1) {
                Some(next) if next.byte_start < s.byte_end => next.byte_start > tok.byte_end,
                _ => true,
            };
            let misc = if space_after { "_" } else { "SpaceAfter=No" };
            if tok.segments.is_split() {
                let last = word + tok.segments.len() - 1;
                let _ = writeln!(out, "{word}-{last}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{misc}");
                for seg in tok.segments_in(form) {
                    let _ = writeln!(out, "{word}\t{seg}\t_\t_\t_\t_\t_\t_\t_\t_");
                    word += 1;
                }
            } else {
                let _ = writeln!(out, "{word}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{misc}");
                word += 1;
            }
            t += 1;
        }
        out.push('\n');
        id += 1;
    }
    id
}
