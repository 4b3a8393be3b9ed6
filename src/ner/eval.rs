//! Span-level scoring of BIO tag sequences (exact match of label and extent, as conlleval and
//! `../shared/tools/score_ner.py` count).

use crate::document::BioTag;

/// A labelled span `[start, end)` of tokens.
pub type Span = (usize, usize, BioTag);

/// The entity spans of a tag sequence; an `I-X` that does not continue an `X` starts a span.
pub fn spans(tags: &[BioTag]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<(usize, crate::document::EntityLabel)> = None;
    for (i, t) in tags.iter().enumerate() {
        match *t {
            BioTag::I(l) if matches!(open, Some((_, o)) if o == l) => {}
            BioTag::B(l) | BioTag::I(l) => {
                if let Some((s, o)) = open.take() {
                    out.push((s, i, BioTag::B(o)));
                }
                open = Some((i, l));
            }
            BioTag::O => {
                if let Some((s, o)) = open.take() {
                    out.push((s, i, BioTag::B(o)));
                }
            }
        }
    }
    if let Some((s, o)) = open {
        out.push((s, tags.len(), BioTag::B(o)));
    }
    out
}

/// Counts of exact span matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpanCounts {
    /// Predicted spans that match a gold span exactly.
    pub correct: usize,
    /// Predicted spans.
    pub predicted: usize,
    /// Gold spans.
    pub gold: usize,
}

impl SpanCounts {
    /// Adds the counts of one sentence.
    pub fn add(&mut self, gold: &[BioTag], predicted: &[BioTag]) {
        let g = spans(gold);
        let p = spans(predicted);
        self.gold += g.len();
        self.predicted += p.len();
        self.correct += p.iter().filter(|s| g.contains(s)).count();
    }

    /// Precision, recall and F1 in percent.
    pub fn prf(&self) -> (f64, f64, f64) {
        let p = if self.predicted == 0 {
            0.0
        } else {
            100.0 * self.correct as f64 / self.predicted as f64
        };
        let r = if self.gold == 0 {
            0.0
        } else {
            100.0 * self.correct as f64 / self.gold as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::EntityLabel::*;

    #[test]
    fn counts_exact_matches_only() {
        let gold = [BioTag::B(Per), BioTag::I(Per), BioTag::O, BioTag::B(Loc)];
        let pred = [BioTag::B(Per), BioTag::O, BioTag::O, BioTag::B(Loc)];
        let mut c = SpanCounts::default();
        c.add(&gold, &pred);
        assert_eq!(
            c,
            SpanCounts {
                correct: 1,
                predicted: 2,
                gold: 2
            }
        );
        let (p, r, f) = c.prf();
        assert!((p - 50.0).abs() < 1e-9 && (r - 50.0).abs() < 1e-9 && (f - 50.0).abs() < 1e-9);
        assert_eq!(spans(&[BioTag::I(Org), BioTag::I(Org)]).len(), 1);
    }
}
