//! Main-content extraction: from a page's HTML to the text a reader came for, plus metadata.
//!
//! [`extract`] is a pure function. It parses the page into a compact arena DOM ([`dom`]),
//! reads metadata from the head, JSON-LD and the body ([`meta`]), then picks the main content
//! ([`content`]) and renders it as block-structured text ([`render`], [`text`]). When the chosen
//! content is implausibly short it falls back to the whole visible text, and says so in
//! [`Extraction::extractor`].

pub mod content;
pub mod dom;
pub mod render;
pub mod text;
pub mod vocab;

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
    let (text, extractor) = match opts.mode {
        Mode::Visible => {
            let body = dom.find_first(Tag::Body, max_depth).unwrap_or(ROOT);
            (render::render(&dom, body, max_depth, &|_| false), "visible")
        }
        Mode::Main => main_text(&dom, max_depth),
    };
    let extractor = if text.is_empty() { "empty" } else { extractor };
    Extraction {
        text,
        extractor,
        meta,
        truncated: dom.truncated,
    }
}

/// Main content with the recall guard: when the chosen content is implausibly short for the
/// page, the whole text of the body less its boilerplate is returned instead (`fallback`).
fn main_text(dom: &Dom, max_depth: usize) -> (String, &'static str) {
    let a = content::analyse(dom, max_depth);
    let root = content::choose(dom, &a, max_depth);
    let mut b = text::TextBuilder::new();
    content::render_main(dom, &a, root, max_depth, &mut b);
    let main = b.finish();
    let main_chars = main.chars().filter(|c| !c.is_whitespace()).count();
    let body_chars = a.chars[a.body as usize] as usize;
    if main_chars >= MIN_MAIN_CHARS || main_chars * 4 >= body_chars {
        return (main, "main");
    }
    let all = render::render(dom, a.body, max_depth, &|id| a.removed[id as usize]);
    if all.chars().filter(|c| !c.is_whitespace()).count() > main_chars {
        (all, "fallback")
    } else {
        (main, "main")
    }
}

/// Main content shorter than this (non-space characters) is checked against the page.
const MIN_MAIN_CHARS: usize = 200;
