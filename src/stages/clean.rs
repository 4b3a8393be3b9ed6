//! The `clean` stage: HTML in, cleaned main text, metadata and language out.

use serde::Deserialize;

use crate::document::Document;
use crate::extract::{self, ExtractOptions, Mode, dom::Limits};
use crate::lang;
use crate::stage::{Stage, StageError};

/// Options of the `clean` stage (the `[clean]` table of a pipeline file).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CleanOptions {
    /// `"main"` (main content, the default) or `"visible"` (all visible text).
    pub mode: String,
    /// Bytes of HTML parsed per page; the rest is ignored.
    pub max_bytes: usize,
    /// DOM nodes kept per page.
    pub max_nodes: usize,
    /// Deepest element visited.
    pub max_depth: usize,
    /// Drop `Document::html` once the text is extracted, to save memory.
    pub drop_html: bool,
    /// Let the learned block scorer (`models/extract/blocks.gbt`) decide which text blocks
    /// are main content, after the heuristic.
    pub block_model: bool,
}

impl Default for CleanOptions {
    fn default() -> Self {
        let l = Limits::default();
        CleanOptions {
            mode: "main".to_string(),
            max_bytes: l.max_bytes,
            max_nodes: l.max_nodes,
            max_depth: l.max_depth,
            drop_html: true,
            block_model: false,
        }
    }
}

/// Extracts the main text, metadata and language of each document.
#[derive(Debug, Clone)]
pub struct CleanStage {
    opts: ExtractOptions,
    drop_html: bool,
}

impl CleanStage {
    /// Builds the stage from its options table.
    pub fn from_options(options: toml::Table) -> Result<Self, String> {
        let o: CleanOptions = options
            .try_into()
            .map_err(|e| format!("bad [clean] options: {e}"))?;
        let mode = match o.mode.as_str() {
            "main" => Mode::Main,
            "visible" => Mode::Visible,
            other => {
                return Err(format!(
                    "bad [clean] mode `{other}`: expected \"main\" or \"visible\""
                ));
            }
        };
        if o.max_bytes == 0 || o.max_nodes == 0 || o.max_depth == 0 {
            return Err("[clean] max_bytes, max_nodes and max_depth must be positive".into());
        }
        Ok(CleanStage {
            opts: ExtractOptions {
                mode,
                limits: Limits {
                    max_bytes: o.max_bytes,
                    max_nodes: o.max_nodes,
                    max_depth: o.max_depth,
                },
                block_model: if o.block_model {
                    Some(extract::builtin_block_model()?)
                } else {
                    None
                },
            },
            drop_html: o.drop_html,
        })
    }
}

impl Stage for CleanStage {
    fn name(&self) -> &'static str {
        "clean"
    }

    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let ex = extract::extract(&doc.html, doc.url.as_deref(), &self.opts);
        doc.text = ex.text;
        doc.extractor = ex.extractor.to_string();
        doc.truncated = ex.truncated;
        doc.meta = ex.meta;
        match lang::detect(&doc.text) {
            Some(g) => {
                doc.lang = Some(g.code.to_string());
                doc.lang_score = Some(g.score);
            }
            None => {
                doc.lang = None;
                doc.lang_score = None;
            }
        }
        if self.drop_html {
            doc.html = String::new();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_text_title_and_language() {
        let stage = CleanStage::from_options(toml::Table::new()).unwrap();
        let mut doc = Document {
            html: "<html lang=en-US><head><title>Wahda</title></head><body><nav><a href=/>Home</a></nav>\
                   <p>قال الوزير إن المحادثات التي جرت في العاصمة كانت مثمرة على الرغم من الخلافات.</p>\
                   <p>وأضاف أن الجولة المقبلة ستعقد في الشهر القادم.</p></body></html>"
                .to_string(),
            ..Document::default()
        };
        stage.process(&mut doc).unwrap();
        assert!(doc.text.contains("كانت مثمرة"));
        assert!(doc.text.contains("\n\nوأضاف"));
        assert_eq!(doc.meta.title.as_deref(), Some("Wahda"));
        assert_eq!(doc.meta.html_lang.as_deref(), Some("en-US"));
        assert_eq!(doc.lang.as_deref(), Some("ar"));
        assert!(doc.html.is_empty());
    }

    #[test]
    fn the_block_model_option_loads_the_shipped_model() {
        let mut t = toml::Table::new();
        t.insert("block_model".into(), toml::Value::Boolean(true));
        let stage = CleanStage::from_options(t).unwrap();
        assert!(stage.opts.block_model.is_some());
        let stage = CleanStage::from_options(toml::Table::new()).unwrap();
        assert!(stage.opts.block_model.is_none(), "off by default");
    }

    #[test]
    fn rejects_bad_options() {
        let mut t = toml::Table::new();
        t.insert("mode".into(), toml::Value::String("fancy".into()));
        assert!(CleanStage::from_options(t).is_err());
        let mut t = toml::Table::new();
        t.insert("nope".into(), toml::Value::Integer(1));
        assert!(CleanStage::from_options(t).is_err());
    }
}
