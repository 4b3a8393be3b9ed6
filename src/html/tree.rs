//! The tree builder: turns the tokenizer's tokens into a [`Dom`] following a simplified form
//! of the HTML standard's tree construction (see the module docs of [`crate::html`] for what
//! is kept and what is simplified).

use std::borrow::Cow;
use std::sync::OnceLock;

use super::tokenizer::{Attr, PackedMap, StartTag, TextMode, TokenSink, pack};
use crate::extract::dom::{
    self, AttrRange, Dom, Limits, NONE, Node, NodeData, NodeId, ROOT, Span, Tag,
};

/// Namespace of an open element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Html,
    Svg,
    Math,
}

// Element properties used by the algorithms, computed once per element.
/// "Special" elements of the standard (they stop end-tag matching and the adoption agency).
const SPECIAL: u16 = 1;
/// Boundary of the default scope.
const SCOPE: u16 = 1 << 1;
/// Extra boundary of list-item scope (`ol`, `ul`).
const LIST_SCOPE: u16 = 1 << 2;
/// Extra boundary of button scope.
const BUTTON_SCOPE: u16 = 1 << 3;
/// Boundary of table scope (`html`, `table`, `template`).
const TABLE_SCOPE: u16 = 1 << 4;
/// Elements closed by "generate implied end tags".
const IMPLIED_END: u16 = 1 << 5;
/// Table elements under which other content is foster-parented.
const FOSTER: u16 = 1 << 6;
/// `h1`..`h6`.
const HEADING: u16 = 1 << 7;
/// Foreign elements whose content is parsed as HTML (`foreignObject`, `desc`, `mi`, ...).
const INTEGRATION: u16 = 1 << 8;
/// Where "clear the stack back to a table context" stops.
const TABLE_CTX: u16 = 1 << 9;
/// Where "clear the stack back to a table body context" stops.
const BODY_CTX: u16 = 1 << 10;
/// Where "clear the stack back to a table row context" stops.
const ROW_CTX: u16 = 1 << 11;
/// Elements that put a marker on the list of active formatting elements.
const MARKER: u16 = 1 << 12;

/// Properties of an HTML element by name, from the standard's lists.
fn html_flags_by_match(name: &str) -> u16 {
    match name {
        "html" => SPECIAL | SCOPE | TABLE_SCOPE | TABLE_CTX | BODY_CTX | ROW_CTX,
        "template" => SPECIAL | SCOPE | TABLE_SCOPE | TABLE_CTX | BODY_CTX | ROW_CTX | MARKER,
        "table" => SPECIAL | SCOPE | TABLE_SCOPE | TABLE_CTX | FOSTER,
        "tbody" | "thead" | "tfoot" => SPECIAL | BODY_CTX | FOSTER,
        "tr" => SPECIAL | ROW_CTX | FOSTER,
        "td" | "th" | "caption" | "applet" | "marquee" | "object" => SPECIAL | SCOPE | MARKER,
        "ol" | "ul" => SPECIAL | LIST_SCOPE,
        "button" => SPECIAL | BUTTON_SCOPE,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => SPECIAL | HEADING,
        "dd" | "dt" | "li" | "p" => SPECIAL | IMPLIED_END,
        "optgroup" | "option" | "rb" | "rp" | "rt" | "rtc" => IMPLIED_END,
        "address" | "area" | "article" | "aside" | "base" | "basefont" | "bgsound"
        | "blockquote" | "body" | "br" | "center" | "col" | "colgroup" | "details" | "dir"
        | "div" | "dl" | "embed" | "fieldset" | "figcaption" | "figure" | "footer" | "form"
        | "frame" | "frameset" | "head" | "header" | "hgroup" | "hr" | "iframe" | "img"
        | "input" | "keygen" | "link" | "listing" | "main" | "menu" | "meta" | "nav"
        | "noembed" | "noframes" | "noscript" | "param" | "plaintext" | "pre" | "script"
        | "search" | "section" | "select" | "source" | "style" | "summary" | "textarea"
        | "title" | "track" | "wbr" | "xmp" => SPECIAL,
        _ => 0,
    }
}

/// Properties of an SVG or MathML element.
fn foreign_flags(ns: Ns, name: &str, attrs: &[Attr], strings: &str) -> u16 {
    let integration = match ns {
        Ns::Svg => matches!(name, "foreignobject" | "desc" | "title"),
        Ns::Math => {
            matches!(name, "mi" | "mo" | "mn" | "ms" | "mtext")
                || (name == "annotation-xml"
                    && attrs.iter().any(|(n, v)| {
                        let v = v.get(strings);
                        n == "encoding"
                            && (v.eq_ignore_ascii_case("text/html")
                                || v.eq_ignore_ascii_case("application/xhtml+xml"))
                    }))
        }
        Ns::Html => false,
    };
    let boundary = integration || (ns == Ns::Math && name == "annotation-xml");
    (if integration { INTEGRATION } else { 0 }) | if boundary { SPECIAL | SCOPE } else { 0 }
}

/// Element names interned as static strings (no allocation for the common ones).
const KNOWN_NAMES: &[&str] = &[
    "a",
    "abbr",
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "bdi",
    "bdo",
    "bgsound",
    "big",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "circle",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "defs",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "g",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "keygen",
    "label",
    "legend",
    "li",
    "line",
    "link",
    "listing",
    "main",
    "mark",
    "marquee",
    "math",
    "menu",
    "meta",
    "nav",
    "nobr",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "path",
    "picture",
    "plaintext",
    "polygon",
    "pre",
    "q",
    "rb",
    "rect",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "symbol",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "use",
    "var",
    "video",
    "wbr",
    "xmp",
];

/// A known element name with its tag and properties, looked up by its bytes packed in a `u64`.
struct Known {
    name: &'static str,
    tag: Tag,
    flags: u16,
}

fn known_table() -> &'static PackedMap<Known> {
    static TABLE: OnceLock<PackedMap<Known>> = OnceLock::new();
    TABLE.get_or_init(|| {
        PackedMap::new(KNOWN_NAMES.iter().filter_map(|&name| {
            Some((
                pack(name)?,
                Known {
                    name,
                    tag: Tag::of(name),
                    flags: html_flags_by_match(name),
                },
            ))
        }))
    })
}

/// The known element named `name` (names of at most 8 bytes).
fn known(name: &str) -> Option<&'static Known> {
    known_table().get(pack(name)?)
}

/// Properties of an HTML element by name.
fn html_flags(name: &str) -> u16 {
    match known(name) {
        Some(k) => k.flags,
        None => html_flags_by_match(name),
    }
}

/// The element name as stored in the DOM: a static string for known names.
fn element_name(name: &str) -> Cow<'static, str> {
    if let Some(k) = known(name) {
        return Cow::Borrowed(k.name);
    }
    if name.len() > 8
        && let Some(n) = KNOWN_NAMES.iter().find(|n| **n == name)
    {
        return Cow::Borrowed(n);
    }
    Cow::Owned(name.to_string())
}

/// Start tags that end foreign content (and `font` with `color`, `face` or `size`).
fn breaks_out_of_foreign(name: &str, attrs: &[Attr]) -> bool {
    match name {
        "b" | "big" | "blockquote" | "body" | "br" | "center" | "code" | "dd" | "div" | "dl"
        | "dt" | "em" | "embed" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "head" | "hr" | "i"
        | "img" | "li" | "listing" | "menu" | "meta" | "nobr" | "ol" | "p" | "pre" | "ruby"
        | "s" | "small" | "span" | "strong" | "strike" | "sub" | "sup" | "table" | "tt" | "u"
        | "ul" | "var" => true,
        "font" => attrs
            .iter()
            .any(|(n, _)| matches!(&**n, "color" | "face" | "size")),
        _ => false,
    }
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\t' | b'\x0c' | b'\r')
}

fn leading_ws(s: &str) -> usize {
    s.bytes().take_while(|&c| is_ws(c)).count()
}

/// Where the builder is in the document's outline (the standard's insertion modes before
/// `body`; the table, select and foreign-content modes are derived from the open elements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Initial,
    BeforeHead,
    InHead,
    InHeadNoscript,
    AfterHead,
    InBody,
    Frameset,
}

/// An entry of the stack of open elements.
#[derive(Debug, Clone, Copy)]
struct Open {
    id: NodeId,
    ns: Ns,
    tag: Tag,
    flags: u16,
}

/// Number of [`Tag`] values (`Tag::Other` is the last).
const TAGS: usize = Tag::Other as usize + 1;

/// Longest run of active formatting elements kept after the last marker.
const MAX_FORMATTING: usize = 64;

/// The tree builder; it is the tokenizer's [`TokenSink`].
pub struct Builder {
    nodes: Vec<Node>,
    /// The text and attribute values of the nodes ([`Dom::strings`]).
    strings: String,
    /// The attributes of the elements ([`Dom::attrs`]).
    attrs: Vec<Attr>,
    /// Whether each node is on the stack of open elements.
    is_open: Vec<bool>,
    open: Vec<Open>,
    /// Open elements per tag, to answer most scope questions without a walk.
    counts: [u32; TAGS],
    /// Active formatting elements; [`NONE`] is a marker.
    formatting: Vec<NodeId>,
    html: NodeId,
    head: NodeId,
    body: NodeId,
    form: NodeId,
    /// The raw-text, RCDATA or plain-text element whose content is being read.
    raw: NodeId,
    /// Whether the text of `raw` is left out of the tree ([`super::drops_raw_text`]).
    drop_raw: bool,
    phase: Phase,
    /// Drop a newline that starts the next text (after `<pre>`, `<listing>`, `<textarea>`).
    skip_newline: bool,
    /// Insert at the foster-parenting location (content misplaced in a table).
    foster: bool,
    max_nodes: usize,
    max_open: usize,
    truncated: bool,
}

/// How many items of `v`'s type a recycled buffer holds at most ([`super::KEEP_BYTES`]).
fn kept_items<T>(_: &Vec<T>) -> usize {
    super::KEEP_BYTES / std::mem::size_of::<T>().max(1)
}

impl Builder {
    /// A builder for a page of `len` bytes.
    pub fn new(limits: &Limits, len: usize) -> Builder {
        // About one node per 60 to 110 bytes of HTML on real pages: reserve that, within the
        // limit. Each reservation stops at what a recycled buffer keeps (`KEEP_BYTES`): a larger
        // page grows its buffers as it fills them, since most of a very large page is often
        // scripts, whose text is not kept (`drops_raw_text`).
        // The buffers of an earlier page of this thread, when there is one (emptied).
        let spare = super::spare_buffers();
        let capacity = (len / 64 + 16)
            .min(limits.max_nodes.saturating_add(8))
            .min(kept_items(&spare.nodes));
        let mut nodes = spare.nodes;
        nodes.reserve(capacity);
        nodes.push(Node::new(NodeData::Document));
        let mut is_open = spare.is_open;
        is_open.reserve(capacity);
        is_open.push(false);
        let mut strings = spare.strings;
        // Text and attribute values are about a third of a page's bytes.
        strings.reserve((len / 2).min(super::KEEP_BYTES));
        let mut attrs = spare.attrs;
        attrs.reserve((len / 100 + 8).min(kept_items(&attrs)));
        Builder {
            nodes,
            strings,
            attrs,
            is_open,
            open: Vec::with_capacity(64),
            counts: [0; TAGS],
            formatting: Vec::new(),
            html: NONE,
            head: NONE,
            body: NONE,
            form: NONE,
            raw: NONE,
            drop_raw: false,
            phase: Phase::Initial,
            skip_newline: false,
            foster: false,
            max_nodes: limits.max_nodes.max(1),
            max_open: limits.max_depth.saturating_mul(2).max(64),
            truncated: false,
        }
    }

    /// The finished tree (the end of the input implies `html`, `head` and `body`).
    pub fn finish(mut self) -> Dom {
        if !self.truncated {
            loop {
                match self.phase {
                    Phase::Initial => self.ensure_html(AttrRange::default()),
                    Phase::BeforeHead => self.insert_head(AttrRange::default()),
                    Phase::InHead | Phase::InHeadNoscript => {
                        if self.counts[Tag::Template as usize] > 0 {
                            break;
                        }
                        self.leave_head();
                    }
                    Phase::AfterHead => self.insert_body(AttrRange::default()),
                    Phase::InBody | Phase::Frameset => break,
                }
            }
        }
        super::recycle_open_flags(self.is_open);
        Dom {
            nodes: self.nodes,
            strings: self.strings,
            attrs: self.attrs,
            truncated: self.truncated,
        }
    }

    // ----- nodes and the tree -----

    fn new_node(&mut self, data: NodeData) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(Node::new(data));
        self.is_open.push(false);
        if self.nodes.len() > self.max_nodes {
            self.truncated = true;
        }
        id
    }

    fn create_element(&mut self, name: &str, ns: Ns, attrs: AttrRange) -> NodeId {
        self.create_element_with_flags(name, ns, attrs).0
    }

    /// Creates an element; also returns its HTML properties (for HTML elements), from one
    /// look-up of the name.
    fn create_element_with_flags(&mut self, name: &str, ns: Ns, attrs: AttrRange) -> (NodeId, u16) {
        let (stored, tag, flags) = match known(name) {
            Some(k) => (Cow::Borrowed(k.name), k.tag, k.flags),
            None => (element_name(name), Tag::of(name), html_flags_by_match(name)),
        };
        let tag = match ns {
            Ns::Html => tag,
            Ns::Svg if name == "svg" => Tag::Svg,
            Ns::Math if name == "math" => Tag::Math,
            _ => Tag::Other,
        };
        let id = self.new_node(NodeData::Element {
            tag,
            name: stored,
            attrs,
        });
        (id, flags)
    }

    fn clone_element(&mut self, id: NodeId) -> NodeId {
        let data = match &self.nodes[id as usize].data {
            NodeData::Element { tag, name, attrs } => NodeData::Element {
                tag: *tag,
                name: name.clone(),
                attrs: *attrs,
            },
            _ => NodeData::Other,
        };
        self.new_node(data)
    }

    fn name(&self, id: NodeId) -> &str {
        match &self.nodes[id as usize].data {
            NodeData::Element { name, .. } => name,
            _ => "",
        }
    }

    fn detach(&mut self, id: NodeId) {
        dom::detach(&mut self.nodes, id);
    }

    fn append(&mut self, parent: NodeId, child: NodeId) {
        dom::append_child(&mut self.nodes, parent, child);
    }

    fn insert_before(&mut self, sibling: NodeId, child: NodeId) {
        dom::insert_before(&mut self.nodes, sibling, child);
    }

    fn append_text(&mut self, parent: NodeId, s: &str) {
        let last = self.nodes[parent as usize].last_child;
        if last != NONE
            && let NodeData::Text(t) = &mut self.nodes[last as usize].data
        {
            t.extend(&mut self.strings, s);
            return;
        }
        let text = Span::push(&mut self.strings, s);
        let id = self.new_node(NodeData::Text(text));
        self.append(parent, id);
    }

    /// The current node (the document before `html` exists).
    fn current(&self) -> NodeId {
        self.open.last().map_or(ROOT, |e| e.id)
    }

    fn current_is(&self, tag: Tag, name: &str) -> bool {
        self.open
            .last()
            .is_some_and(|e| e.ns == Ns::Html && e.tag == tag && self.name(e.id) == name)
    }

    /// True when foster parenting applies to what is inserted now.
    fn fostering(&self) -> bool {
        self.foster
            && self
                .open
                .last()
                .is_some_and(|e| e.ns == Ns::Html && e.flags & FOSTER != 0)
    }

    /// The table before which fostered content goes, or the element to append it to.
    fn foster_target(&self) -> (NodeId, bool) {
        match self
            .open
            .iter()
            .rposition(|e| e.ns == Ns::Html && e.tag == Tag::Table)
        {
            Some(i) => {
                let table = self.open[i].id;
                if self.nodes[table as usize].parent != NONE {
                    (table, true)
                } else if i > 0 {
                    (self.open[i - 1].id, false)
                } else {
                    (table, false)
                }
            }
            None => (self.current(), false),
        }
    }

    /// Inserts a new node at the appropriate place (the current node, or the foster location).
    fn insert_node(&mut self, id: NodeId) {
        if self.fostering() {
            match self.foster_target() {
                (table, true) => self.insert_before(table, id),
                (parent, false) => self.append(parent, id),
            }
        } else {
            let cur = self.current();
            self.append(cur, id);
        }
    }

    fn insert_text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.fostering() {
            match self.foster_target() {
                (table, true) => {
                    let prev = self.nodes[table as usize].prev;
                    if prev != NONE
                        && let NodeData::Text(t) = &mut self.nodes[prev as usize].data
                    {
                        t.extend(&mut self.strings, s);
                        return;
                    }
                    let text = Span::push(&mut self.strings, s);
                    let id = self.new_node(NodeData::Text(text));
                    self.insert_before(table, id);
                }
                (parent, false) => self.append_text(parent, s),
            }
        } else {
            let cur = self.current();
            self.append_text(cur, s);
        }
    }

    // ----- the stack of open elements -----

    /// Pushes an element; false (and nothing pushed) when the stack is at its bound, in which
    /// case the element stays in the tree but holds no children.
    fn push_open(&mut self, id: NodeId, ns: Ns, flags: u16, force: bool) -> bool {
        if self.open.len() >= self.max_open && !force {
            return false;
        }
        let tag = match &self.nodes[id as usize].data {
            NodeData::Element { tag, .. } => *tag,
            _ => Tag::Other,
        };
        self.open.push(Open { id, ns, tag, flags });
        self.counts[tag as usize] += 1;
        self.is_open[id as usize] = true;
        if flags & MARKER != 0 {
            self.formatting.push(NONE);
        }
        true
    }

    fn forget(&mut self, e: Open) {
        self.counts[e.tag as usize] -= 1;
        self.is_open[e.id as usize] = false;
        if e.flags & MARKER != 0 {
            self.clear_formatting_to_marker();
        }
    }

    fn pop(&mut self) -> Option<Open> {
        let e = self.open.pop()?;
        self.forget(e);
        Some(e)
    }

    fn remove_open_at(&mut self, i: usize) {
        let e = self.open.remove(i);
        self.forget(e);
    }

    /// Pops elements until an HTML element named `name` has been popped.
    fn pop_until_name(&mut self, name: &str) {
        while let Some(e) = self.pop() {
            if e.ns == Ns::Html && self.name(e.id) == name {
                return;
            }
        }
    }

    fn pop_until_tag(&mut self, tag: Tag) {
        while let Some(e) = self.pop() {
            if e.ns == Ns::Html && e.tag == tag {
                return;
            }
        }
    }

    fn pop_until_id(&mut self, id: NodeId) {
        if !self.is_open[id as usize] {
            return;
        }
        while let Some(e) = self.pop() {
            if e.id == id {
                return;
            }
        }
    }

    /// Pops until the current node has one of the `stop` flags (an HTML element).
    fn clear_back_to(&mut self, stop: u16) {
        while let Some(e) = self.open.last() {
            if e.ns == Ns::Html && e.flags & stop != 0 {
                return;
            }
            self.pop();
        }
    }

    /// Whether an HTML element named `name` is in scope, `boundary` naming the scope.
    fn in_scope(&self, tag: Tag, name: &str, boundary: u16) -> bool {
        if tag != Tag::Other && self.counts[tag as usize] == 0 {
            return false;
        }
        for e in self.open.iter().rev() {
            if e.ns == Ns::Html && e.tag == tag && self.name(e.id) == name {
                return true;
            }
            if e.flags & boundary != 0 {
                return false;
            }
        }
        false
    }

    fn in_table_scope(&self, tag: Tag) -> bool {
        if self.counts[tag as usize] == 0 {
            return false;
        }
        for e in self.open.iter().rev() {
            if e.ns == Ns::Html && e.tag == tag {
                return true;
            }
            if e.flags & TABLE_SCOPE != 0 {
                return false;
            }
        }
        false
    }

    fn heading_in_scope(&self) -> bool {
        let open_headings: u32 = [Tag::H1, Tag::H2, Tag::H3, Tag::H4, Tag::H5, Tag::H6]
            .iter()
            .map(|&t| self.counts[t as usize])
            .sum();
        if open_headings == 0 {
            return false;
        }
        for e in self.open.iter().rev() {
            if e.ns == Ns::Html && e.flags & HEADING != 0 {
                return true;
            }
            if e.flags & SCOPE != 0 {
                return false;
            }
        }
        false
    }

    fn select_in_select_scope(&self) -> bool {
        if self.counts[Tag::Option as usize] == 0 && self.counts[Tag::Select as usize] == 0 {
            return false;
        }
        for e in self.open.iter().rev() {
            if e.ns != Ns::Html {
                return false;
            }
            match e.tag {
                Tag::Select => return true,
                Tag::Option if self.name(e.id) != "datalist" => {}
                _ => return false,
            }
        }
        false
    }

    fn generate_implied_end_tags(&mut self, except: Option<&str>) {
        while let Some(e) = self.open.last() {
            if e.ns != Ns::Html || e.flags & IMPLIED_END == 0 {
                return;
            }
            if except.is_some_and(|x| self.name(e.id) == x) {
                return;
            }
            self.pop();
        }
    }

    fn close_p(&mut self) {
        if self.in_scope(Tag::P, "p", SCOPE | BUTTON_SCOPE) {
            self.generate_implied_end_tags(Some("p"));
            self.pop_until_name("p");
        }
    }

    // ----- active formatting elements -----

    fn clear_formatting_to_marker(&mut self) {
        while let Some(id) = self.formatting.pop() {
            if id == NONE {
                return;
            }
        }
    }

    fn push_formatting(&mut self, id: NodeId) {
        let start = self
            .formatting
            .iter()
            .rposition(|&x| x == NONE)
            .map_or(0, |m| m + 1);
        // The "Noah's Ark" clause: at most three equal elements after the last marker.
        let mut same = 0;
        let mut earliest = None;
        for i in (start..self.formatting.len()).rev() {
            let other = self.formatting[i];
            if self.same_element(other, id) {
                same += 1;
                earliest = Some(i);
            }
        }
        if same >= 3
            && let Some(i) = earliest
        {
            self.formatting.remove(i);
        }
        if self.formatting.len() - start >= MAX_FORMATTING {
            self.formatting.remove(start);
        }
        self.formatting.push(id);
    }

    fn same_element(&self, a: NodeId, b: NodeId) -> bool {
        match (&self.nodes[a as usize].data, &self.nodes[b as usize].data) {
            (
                NodeData::Element {
                    name: n1,
                    attrs: a1,
                    ..
                },
                NodeData::Element {
                    name: n2,
                    attrs: a2,
                    ..
                },
            ) => {
                let (a1, a2) = (a1.get(&self.attrs), a2.get(&self.attrs));
                n1 == n2
                    && a1.len() == a2.len()
                    && a1.iter().zip(a2).all(|((n1, v1), (n2, v2))| {
                        n1 == n2 && v1.get(&self.strings) == v2.get(&self.strings)
                    })
            }
            _ => false,
        }
    }

    /// Reopens formatting elements that were closed implicitly (`<p><b>x</p><p>y` puts `y` in
    /// a new `b`).
    fn reconstruct_formatting(&mut self) {
        let Some(&last) = self.formatting.last() else {
            return;
        };
        if last == NONE || self.is_open[last as usize] || self.open.len() >= self.max_open {
            return;
        }
        let mut i = self.formatting.len() - 1;
        while i > 0 {
            let e = self.formatting[i - 1];
            if e == NONE || self.is_open[e as usize] {
                break;
            }
            i -= 1;
        }
        for j in i..self.formatting.len() {
            let old = self.formatting[j];
            let new = self.clone_element(old);
            self.insert_node(new);
            let flags = html_flags(self.name(new));
            if !self.push_open(new, Ns::Html, flags, false) {
                return;
            }
            self.formatting[j] = new;
        }
    }

    /// The adoption agency algorithm for the end tag `subject` (a formatting element).
    fn adoption_agency(&mut self, subject: &str) {
        if let Some(cur) = self.open.last()
            && cur.ns == Ns::Html
            && self.name(cur.id) == subject
            && !self.formatting.contains(&cur.id)
        {
            self.pop();
            return;
        }
        for _ in 0..8 {
            let found = self
                .formatting
                .iter()
                .rposition(|&x| x == NONE || self.name(x) == subject);
            let Some(fpos) = found.filter(|&p| self.formatting[p] != NONE) else {
                self.any_other_end_tag(subject);
                return;
            };
            let fe = self.formatting[fpos];
            let Some(fe_i) = self.open.iter().rposition(|e| e.id == fe) else {
                self.formatting.remove(fpos);
                return;
            };
            if !self.element_in_scope(fe) {
                return;
            }
            let Some(fb_i) =
                (fe_i + 1..self.open.len()).find(|&i| self.open[i].flags & SPECIAL != 0)
            else {
                self.pop_until_id(fe);
                if let Some(p) = self.formatting.iter().rposition(|&x| x == fe) {
                    self.formatting.remove(p);
                }
                return;
            };
            let fb = self.open[fb_i].id;
            let common = self.open[fe_i - 1];
            // Insert the new formatting element after this entry (`None`: in place of `fe`).
            let mut bookmark_after: Option<NodeId> = None;
            let mut node_i = fb_i;
            let mut last = fb;
            let mut inner = 0;
            loop {
                inner += 1;
                node_i -= 1;
                let node = self.open[node_i].id;
                if node == fe {
                    break;
                }
                let mut in_list = self.formatting.iter().rposition(|&x| x == node);
                if inner > 3
                    && let Some(p) = in_list
                {
                    self.formatting.remove(p);
                    in_list = None;
                }
                let Some(p) = in_list else {
                    self.remove_open_at(node_i);
                    continue;
                };
                let new = self.clone_element(node);
                self.formatting[p] = new;
                self.is_open[node as usize] = false;
                self.is_open[new as usize] = true;
                self.open[node_i].id = new;
                if last == fb {
                    bookmark_after = Some(new);
                }
                self.append(new, last);
                last = new;
            }
            self.detach(last);
            if common.ns == Ns::Html && common.flags & FOSTER != 0 {
                match self.foster_target() {
                    (table, true) => self.insert_before(table, last),
                    (parent, false) => self.append(parent, last),
                }
            } else {
                self.append(common.id, last);
            }
            let new = self.clone_element(fe);
            let mut child = self.nodes[fb as usize].first_child;
            while child != NONE {
                let next = self.nodes[child as usize].next;
                self.append(new, child);
                child = next;
            }
            self.append(fb, new);
            match bookmark_after {
                None => {
                    if let Some(p) = self.formatting.iter().rposition(|&x| x == fe) {
                        self.formatting[p] = new;
                    }
                }
                Some(anchor) => {
                    if let Some(p) = self.formatting.iter().rposition(|&x| x == fe) {
                        self.formatting.remove(p);
                    }
                    let at = self
                        .formatting
                        .iter()
                        .rposition(|&x| x == anchor)
                        .map_or(self.formatting.len(), |p| p + 1);
                    self.formatting.insert(at, new);
                }
            }
            if let Some(i) = self.open.iter().rposition(|e| e.id == fe) {
                let entry = self.open[i];
                self.remove_open_at(i);
                if let Some(j) = self.open.iter().rposition(|e| e.id == fb) {
                    self.open.insert(
                        j + 1,
                        Open {
                            id: new,
                            ns: entry.ns,
                            tag: entry.tag,
                            flags: entry.flags,
                        },
                    );
                    self.counts[entry.tag as usize] += 1;
                    self.is_open[new as usize] = true;
                }
            }
        }
    }

    fn element_in_scope(&self, id: NodeId) -> bool {
        for e in self.open.iter().rev() {
            if e.id == id {
                return true;
            }
            if e.flags & SCOPE != 0 {
                return false;
            }
        }
        false
    }

    // ----- insertion helpers -----

    /// Inserts an HTML element for `t` and pushes it unless `void`.
    fn insert_html(&mut self, name: &str, attrs: AttrRange, void: bool) -> NodeId {
        let (id, flags) = self.create_element_with_flags(name, Ns::Html, attrs);
        self.insert_node(id);
        if !void {
            self.push_open(id, Ns::Html, flags, false);
        }
        id
    }

    /// Inserts a raw-text, RCDATA or plain-text element; it is pushed even past the depth
    /// bound, since its content must not land elsewhere.
    fn insert_raw(&mut self, name: &str, attrs: AttrRange, mode: TextMode) -> TextMode {
        let (id, flags) = self.create_element_with_flags(name, Ns::Html, attrs);
        self.insert_node(id);
        self.push_open(id, Ns::Html, flags, true);
        self.raw = id;
        self.drop_raw = super::drops_raw_text(name, attrs.get(&self.attrs), &self.strings);
        mode
    }

    fn insert_formatting(&mut self, name: &str, attrs: AttrRange) {
        let (id, flags) = self.create_element_with_flags(name, Ns::Html, attrs);
        self.insert_node(id);
        if self.push_open(id, Ns::Html, flags, false) {
            self.push_formatting(id);
        }
    }

    fn add_attrs_if_missing(&mut self, target: NodeId, attrs: AttrRange) {
        if target == NONE {
            return;
        }
        if let NodeData::Element { attrs: have, .. } = &mut self.nodes[target as usize].data {
            let missing: Vec<Attr> = attrs
                .get(&self.attrs)
                .iter()
                .filter(|(n, _)| !have.get(&self.attrs).iter().any(|(h, _)| h == n))
                .cloned()
                .collect();
            if missing.is_empty() {
                return;
            }
            // The element's entries move to the end of the list, followed by the new ones
            // (ranges are not grown in place: the tag's own entries follow them).
            let start = self.attrs.len();
            self.attrs.extend_from_within(have.start..have.end);
            self.attrs.extend(missing);
            *have = AttrRange {
                start,
                end: self.attrs.len(),
            };
        }
    }

    fn ensure_html(&mut self, attrs: AttrRange) {
        let id = self.create_element("html", Ns::Html, attrs);
        self.append(ROOT, id);
        self.push_open(id, Ns::Html, html_flags("html"), true);
        self.html = id;
        self.phase = Phase::BeforeHead;
    }

    fn insert_head(&mut self, attrs: AttrRange) {
        let id = self.insert_html("head", attrs, false);
        self.head = id;
        self.phase = Phase::InHead;
    }

    fn insert_body(&mut self, attrs: AttrRange) {
        let id = self.insert_html("body", attrs, false);
        self.body = id;
        self.phase = Phase::InBody;
    }

    fn leave_head(&mut self) {
        self.pop_until_id(self.head);
        self.phase = Phase::AfterHead;
    }

    // ----- start tags -----

    /// The rules for elements that belong in `head`; `None` when `t` is not one of them.
    fn head_start(&mut self, t: &mut StartTag<'_>) -> Option<TextMode> {
        let attrs = std::mem::take(&mut t.attrs);
        Some(match t.name {
            "base" | "basefont" | "bgsound" | "link" | "meta" => {
                self.insert_html(t.name, attrs, true);
                TextMode::Data
            }
            "title" => self.insert_raw("title", attrs, TextMode::RcData),
            "noframes" | "style" | "script" => self.insert_raw(t.name, attrs, TextMode::RawText),
            "template" => {
                self.insert_html("template", attrs, false);
                TextMode::Data
            }
            "noscript" if self.phase == Phase::InHead => {
                self.insert_html("noscript", attrs, false);
                self.phase = Phase::InHeadNoscript;
                TextMode::Data
            }
            _ => {
                t.attrs = attrs;
                return None;
            }
        })
    }

    /// True when an open `template` takes the tokens (its content follows the in-body rules).
    fn in_template(&self) -> bool {
        self.counts[Tag::Template as usize] > 0
            && matches!(
                self.phase,
                Phase::InHead | Phase::InHeadNoscript | Phase::AfterHead
            )
    }

    fn start(&mut self, mut t: StartTag<'_>) -> TextMode {
        if self.in_template() {
            return self.body_start(t);
        }
        loop {
            match self.phase {
                Phase::Initial => {
                    if t.name == "html" {
                        self.ensure_html(std::mem::take(&mut t.attrs));
                        return TextMode::Data;
                    }
                    self.ensure_html(AttrRange::default());
                }
                Phase::BeforeHead => match t.name {
                    "html" => {
                        self.add_attrs_if_missing(self.html, std::mem::take(&mut t.attrs));
                        return TextMode::Data;
                    }
                    "head" => {
                        self.insert_head(std::mem::take(&mut t.attrs));
                        return TextMode::Data;
                    }
                    _ => self.insert_head(AttrRange::default()),
                },
                Phase::InHead => match t.name {
                    "html" => {
                        self.add_attrs_if_missing(self.html, std::mem::take(&mut t.attrs));
                        return TextMode::Data;
                    }
                    "head" => return TextMode::Data,
                    _ => match self.head_start(&mut t) {
                        Some(mode) => return mode,
                        None => self.leave_head(),
                    },
                },
                Phase::InHeadNoscript => match t.name {
                    "basefont" | "bgsound" | "link" | "meta" | "noframes" | "style" => {
                        return self.head_start(&mut t).unwrap_or(TextMode::Data);
                    }
                    "head" | "noscript" => return TextMode::Data,
                    _ => {
                        self.pop();
                        self.phase = Phase::InHead;
                    }
                },
                Phase::AfterHead => match t.name {
                    "html" => {
                        self.add_attrs_if_missing(self.html, std::mem::take(&mut t.attrs));
                        return TextMode::Data;
                    }
                    "body" => {
                        self.insert_body(std::mem::take(&mut t.attrs));
                        return TextMode::Data;
                    }
                    "frameset" => {
                        self.insert_html("frameset", std::mem::take(&mut t.attrs), false);
                        self.phase = Phase::Frameset;
                        return TextMode::Data;
                    }
                    "base" | "basefont" | "bgsound" | "link" | "meta" | "noframes" | "script"
                    | "style" | "template" | "title"
                        if self.head != NONE =>
                    {
                        // Back into `head` for this element only.
                        let head = self.head;
                        self.push_open(head, Ns::Html, html_flags("head"), true);
                        let mode = self.head_start(&mut t).unwrap_or(TextMode::Data);
                        if let Some(i) = self.open.iter().rposition(|e| e.id == head) {
                            self.remove_open_at(i);
                        }
                        return mode;
                    }
                    "head" => return TextMode::Data,
                    _ => self.insert_body(AttrRange::default()),
                },
                Phase::InBody => return self.body_start(t),
                Phase::Frameset => {
                    let attrs = std::mem::take(&mut t.attrs);
                    match t.name {
                        "frameset" => {
                            self.insert_html("frameset", attrs, false);
                        }
                        "frame" => {
                            self.insert_html("frame", attrs, true);
                        }
                        "noframes" => return self.insert_raw("noframes", attrs, TextMode::RawText),
                        _ => {}
                    }
                    return TextMode::Data;
                }
            }
        }
    }

    /// A start tag in the body: foreign content and tables first, then the in-body rules.
    fn body_start(&mut self, mut t: StartTag<'_>) -> TextMode {
        if let Some(cur) = self.open.last().copied()
            && cur.ns != Ns::Html
            && cur.flags & INTEGRATION == 0
        {
            if breaks_out_of_foreign(t.name, t.attrs.get(&self.attrs)) {
                while let Some(e) = self.open.last() {
                    if e.ns == Ns::Html || e.flags & INTEGRATION != 0 {
                        break;
                    }
                    self.pop();
                }
            } else {
                let ns = if t.name == "svg" {
                    Ns::Svg
                } else if t.name == "math" {
                    Ns::Math
                } else {
                    cur.ns
                };
                self.insert_foreign(ns, t);
                return TextMode::Data;
            }
        }
        if self.current_is(Tag::Other, "colgroup") && t.name != "col" && t.name != "template" {
            // "In column group": anything but `col` ends the group.
            self.pop();
            return self.body_start(t);
        }
        let table_tag = matches!(
            t.name,
            "caption"
                | "col"
                | "colgroup"
                | "tbody"
                | "td"
                | "tfoot"
                | "th"
                | "thead"
                | "tr"
                | "table"
        );
        if table_tag {
            return self.table_start(t);
        }
        let in_table = self
            .open
            .last()
            .is_some_and(|e| e.ns == Ns::Html && e.flags & FOSTER != 0);
        if in_table {
            match t.name {
                "style" | "script" | "template" => {
                    return self.head_start(&mut t).unwrap_or(TextMode::Data);
                }
                "input"
                    if t.attrs.get(&self.attrs).iter().any(|(n, v)| {
                        n == "type" && v.get(&self.strings).eq_ignore_ascii_case("hidden")
                    }) =>
                {
                    self.insert_html("input", std::mem::take(&mut t.attrs), true);
                    return TextMode::Data;
                }
                "form" => {
                    if self.form == NONE && self.counts[Tag::Template as usize] == 0 {
                        let id = self.insert_html("form", std::mem::take(&mut t.attrs), true);
                        self.form = id;
                    }
                    return TextMode::Data;
                }
                _ => {}
            }
        }
        // In the "in table" modes everything else follows the in-body rules with foster
        // parenting on (it applies whenever the insertion target is a table element).
        self.foster = self.in_table_mode();
        let mode = self.in_body(t);
        self.foster = false;
        mode
    }

    /// True in the standard's "in table", "in table body" and "in row" modes: the nearest
    /// table part on the stack is a table, row group or row (elements above it were fostered).
    fn in_table_mode(&self) -> bool {
        if self.counts[Tag::Table as usize] == 0 {
            return false;
        }
        for e in self.open.iter().rev() {
            if e.ns != Ns::Html {
                continue;
            }
            match e.tag {
                Tag::Table | Tag::Tbody | Tag::Thead | Tag::Tfoot | Tag::Tr => return true,
                Tag::Td | Tag::Th | Tag::Caption | Tag::Template => return false,
                _ => {}
            }
        }
        false
    }

    fn insert_foreign(&mut self, ns: Ns, mut t: StartTag<'_>) {
        // Namespaced attributes keep their local name, as a conforming parser stores them.
        for (name, _) in self.attrs[t.attrs.start..t.attrs.end].iter_mut() {
            let local = match &**name {
                "xlink:actuate" | "xlink:arcrole" | "xlink:href" | "xlink:role" | "xlink:show"
                | "xlink:title" | "xlink:type" => &name[6..],
                "xml:lang" | "xml:space" => &name[4..],
                "xmlns:xlink" => "xlink",
                _ => continue,
            };
            *name = Cow::Owned(local.to_string());
        }
        let flags = foreign_flags(ns, t.name, t.attrs.get(&self.attrs), &self.strings);
        let id = self.create_element(t.name, ns, std::mem::take(&mut t.attrs));
        self.insert_node(id);
        if !t.self_closing {
            self.push_open(id, ns, flags, false);
        }
    }

    /// Table structure tags (`table`, `tr`, `td`, ...): implied `tbody`/`tr`, closing of open
    /// cells and rows; ignored outside tables.
    fn table_start(&mut self, mut t: StartTag<'_>) -> TextMode {
        let attrs = std::mem::take(&mut t.attrs);
        if !self.in_table_scope(Tag::Table) {
            if t.name == "table" {
                self.close_p();
                self.insert_html("table", attrs, false);
            }
            return TextMode::Data;
        }
        // The nearest table part that is open.
        let context = self.open.iter().rev().find_map(|e| {
            (e.ns == Ns::Html
                && matches!(
                    e.tag,
                    Tag::Td
                        | Tag::Th
                        | Tag::Caption
                        | Tag::Tr
                        | Tag::Tbody
                        | Tag::Thead
                        | Tag::Tfoot
                        | Tag::Table
                ))
            .then_some(e.tag)
        });
        if t.name == "table" {
            if matches!(context, Some(Tag::Td | Tag::Th)) {
                self.close_p();
                self.insert_html("table", attrs, false);
            } else {
                self.pop_until_tag(Tag::Table);
                t.attrs = attrs;
                return self.body_start(t);
            }
            return TextMode::Data;
        }
        match context {
            Some(Tag::Td | Tag::Th) => {
                self.generate_implied_end_tags(None);
                while let Some(e) = self.pop() {
                    if e.ns == Ns::Html && matches!(e.tag, Tag::Td | Tag::Th) {
                        break;
                    }
                }
            }
            Some(Tag::Caption) => self.pop_until_tag(Tag::Caption),
            _ => {}
        }
        match t.name {
            "caption" | "colgroup" => {
                self.clear_back_to(TABLE_CTX);
                self.insert_html(t.name, attrs, false);
            }
            "col" => {
                if !self.current_is(Tag::Other, "colgroup") {
                    self.clear_back_to(TABLE_CTX);
                    self.insert_html("colgroup", AttrRange::default(), false);
                }
                self.insert_html("col", attrs, true);
            }
            "tbody" | "thead" | "tfoot" => {
                self.clear_back_to(TABLE_CTX);
                self.insert_html(t.name, attrs, false);
            }
            "tr" => {
                if self.in_table_scope(Tag::Tr) {
                    self.pop_until_tag(Tag::Tr);
                }
                self.clear_back_to(BODY_CTX | TABLE_CTX);
                if self.current_is(Tag::Table, "table") {
                    self.insert_html("tbody", AttrRange::default(), false);
                }
                self.insert_html("tr", attrs, false);
            }
            _ => {
                // td, th
                if self.in_table_scope(Tag::Tr) {
                    self.clear_back_to(ROW_CTX);
                } else {
                    self.clear_back_to(BODY_CTX | TABLE_CTX);
                    if self.current_is(Tag::Table, "table") {
                        self.insert_html("tbody", AttrRange::default(), false);
                    }
                    self.insert_html("tr", AttrRange::default(), false);
                }
                self.insert_html(t.name, attrs, false);
            }
        }
        TextMode::Data
    }

    /// The standard's "in body" rules for start tags.
    fn in_body(&mut self, mut t: StartTag<'_>) -> TextMode {
        let name = t.name;
        match name {
            "html" => {
                self.add_attrs_if_missing(self.html, std::mem::take(&mut t.attrs));
            }
            "base" | "basefont" | "bgsound" | "link" | "meta" | "noframes" | "script" | "style"
            | "template" | "title" => {
                return self.head_start(&mut t).unwrap_or(TextMode::Data);
            }
            "body" => {
                if self.open.get(1).is_some_and(|e| e.id == self.body) {
                    self.add_attrs_if_missing(self.body, std::mem::take(&mut t.attrs));
                }
            }
            "head" | "frameset" | "frame" => {}
            "address" | "article" | "aside" | "blockquote" | "center" | "details" | "dialog"
            | "dir" | "div" | "dl" | "fieldset" | "figcaption" | "figure" | "footer" | "header"
            | "hgroup" | "main" | "menu" | "nav" | "ol" | "p" | "search" | "section"
            | "summary" | "ul" => {
                self.close_p();
                self.insert_html(name, std::mem::take(&mut t.attrs), false);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.close_p();
                if self
                    .open
                    .last()
                    .is_some_and(|e| e.ns == Ns::Html && e.flags & HEADING != 0)
                {
                    self.pop();
                }
                self.insert_html(name, std::mem::take(&mut t.attrs), false);
            }
            "pre" | "listing" => {
                self.close_p();
                self.insert_html(name, std::mem::take(&mut t.attrs), false);
                self.skip_newline = true;
            }
            "form" => {
                let template = self.counts[Tag::Template as usize] > 0;
                if self.form != NONE && !template {
                    return TextMode::Data;
                }
                self.close_p();
                let id = self.insert_html("form", std::mem::take(&mut t.attrs), false);
                if !template {
                    self.form = id;
                }
            }
            "li" | "dd" | "dt" => {
                let open_items = if name == "li" {
                    self.counts[Tag::Li as usize]
                } else {
                    self.counts[Tag::Dd as usize] + self.counts[Tag::Dt as usize]
                };
                if open_items > 0 {
                    for i in (0..self.open.len()).rev() {
                        let e = self.open[i];
                        let closes = e.ns == Ns::Html
                            && if name == "li" {
                                e.tag == Tag::Li
                            } else {
                                matches!(e.tag, Tag::Dd | Tag::Dt)
                            };
                        if closes {
                            let item = if e.tag == Tag::Li {
                                "li"
                            } else if e.tag == Tag::Dd {
                                "dd"
                            } else {
                                "dt"
                            };
                            self.generate_implied_end_tags(Some(item));
                            self.pop_until_id(e.id);
                            break;
                        }
                        if e.flags & SPECIAL != 0
                            && !(e.ns == Ns::Html
                                && matches!(e.tag, Tag::Address | Tag::Div | Tag::P))
                        {
                            break;
                        }
                    }
                }
                self.close_p();
                self.insert_html(name, std::mem::take(&mut t.attrs), false);
            }
            "plaintext" => {
                self.close_p();
                return self.insert_raw(
                    "plaintext",
                    std::mem::take(&mut t.attrs),
                    TextMode::PlainText,
                );
            }
            "button" => {
                if self.in_scope(Tag::Button, "button", SCOPE) {
                    self.generate_implied_end_tags(None);
                    self.pop_until_name("button");
                }
                self.reconstruct_formatting();
                self.insert_html("button", std::mem::take(&mut t.attrs), false);
            }
            "a" => {
                let start = self
                    .formatting
                    .iter()
                    .rposition(|&x| x == NONE)
                    .map_or(0, |m| m + 1);
                if let Some(p) = self.formatting[start..]
                    .iter()
                    .position(|&x| self.name(x) == "a")
                {
                    let a = self.formatting[start + p];
                    self.adoption_agency("a");
                    if let Some(i) = self.formatting.iter().rposition(|&x| x == a) {
                        self.formatting.remove(i);
                    }
                    if let Some(i) = self.open.iter().rposition(|e| e.id == a) {
                        self.remove_open_at(i);
                    }
                }
                self.reconstruct_formatting();
                self.insert_formatting("a", std::mem::take(&mut t.attrs));
            }
            "b" | "big" | "code" | "em" | "font" | "i" | "s" | "small" | "strike" | "strong"
            | "tt" | "u" => {
                self.reconstruct_formatting();
                self.insert_formatting(name, std::mem::take(&mut t.attrs));
            }
            "nobr" => {
                self.reconstruct_formatting();
                if self.in_scope(Tag::Other, "nobr", SCOPE) {
                    self.adoption_agency("nobr");
                    self.reconstruct_formatting();
                }
                self.insert_formatting("nobr", std::mem::take(&mut t.attrs));
            }
            "applet" | "marquee" | "object" => {
                self.reconstruct_formatting();
                self.insert_html(name, std::mem::take(&mut t.attrs), false);
            }
            "area" | "br" | "embed" | "img" | "keygen" | "wbr" | "input" | "image" => {
                if name == "input" && self.select_in_select_scope() {
                    self.pop_until_tag(Tag::Select);
                }
                self.reconstruct_formatting();
                let name = if name == "image" { "img" } else { name };
                self.insert_html(name, std::mem::take(&mut t.attrs), true);
            }
            "param" | "source" | "track" => {
                self.insert_html(name, std::mem::take(&mut t.attrs), true);
            }
            "hr" => {
                self.close_p();
                self.insert_html("hr", std::mem::take(&mut t.attrs), true);
            }
            "textarea" => {
                if self.select_in_select_scope() {
                    self.pop_until_tag(Tag::Select);
                }
                self.skip_newline = true;
                return self.insert_raw("textarea", std::mem::take(&mut t.attrs), TextMode::RcData);
            }
            "xmp" => {
                self.close_p();
                self.reconstruct_formatting();
                return self.insert_raw("xmp", std::mem::take(&mut t.attrs), TextMode::RawText);
            }
            // A deliberate departure from the standard's scripting-off parse: an `iframe`
            // inside an open `noscript` is an empty element, not a raw-text one. Tag managers
            // write `<noscript><iframe ... /></noscript>` at the top of the body; `/>` does not
            // close an `iframe`, so the standard's raw text (and html5ever's) runs on to the end of
            // the page, and the whole page would vanish into an invisible element. A browser
            // (scripting on) reads the `noscript` as text and shows the page; so does this.
            "iframe" if self.counts[Tag::Noscript as usize] > 0 => {
                self.reconstruct_formatting();
                self.insert_html("iframe", std::mem::take(&mut t.attrs), true);
                return TextMode::Data;
            }
            "iframe" | "noembed" => {
                return self.insert_raw(name, std::mem::take(&mut t.attrs), TextMode::RawText);
            }
            "select" => {
                if self.select_in_select_scope() {
                    self.pop_until_tag(Tag::Select);
                    return TextMode::Data;
                }
                self.reconstruct_formatting();
                self.insert_html("select", std::mem::take(&mut t.attrs), false);
            }
            "optgroup" | "option" => {
                if self.current_is(Tag::Option, "option") {
                    self.pop();
                }
                if name == "optgroup" && self.current_is(Tag::Option, "optgroup") {
                    self.pop();
                }
                self.reconstruct_formatting();
                self.insert_html(name, std::mem::take(&mut t.attrs), false);
            }
            "rb" | "rtc" | "rp" | "rt" => {
                if self.in_scope(Tag::Other, "ruby", SCOPE) {
                    let except = if matches!(name, "rp" | "rt") {
                        Some("rtc")
                    } else {
                        None
                    };
                    self.generate_implied_end_tags(except);
                }
                self.insert_html(name, std::mem::take(&mut t.attrs), false);
            }
            "math" | "svg" => {
                self.reconstruct_formatting();
                let ns = if name == "svg" { Ns::Svg } else { Ns::Math };
                self.insert_foreign(ns, t);
            }
            _ => {
                self.reconstruct_formatting();
                self.insert_html(name, std::mem::take(&mut t.attrs), false);
            }
        }
        TextMode::Data
    }

    // ----- end tags -----

    fn end(&mut self, name: &str) {
        if self.in_template() {
            self.body_end(name);
            return;
        }
        loop {
            let structural = matches!(name, "head" | "body" | "html" | "br");
            match self.phase {
                Phase::Initial => {
                    if !structural {
                        return;
                    }
                    self.ensure_html(AttrRange::default());
                }
                Phase::BeforeHead => {
                    if !structural {
                        return;
                    }
                    self.insert_head(AttrRange::default());
                }
                Phase::InHead => match name {
                    "head" => {
                        self.leave_head();
                        return;
                    }
                    "body" | "html" | "br" => self.leave_head(),
                    "template" => {
                        self.close_template();
                        return;
                    }
                    _ => return,
                },
                Phase::InHeadNoscript => match name {
                    "noscript" => {
                        self.pop();
                        self.phase = Phase::InHead;
                        return;
                    }
                    "br" => {
                        self.pop();
                        self.phase = Phase::InHead;
                    }
                    _ => return,
                },
                Phase::AfterHead => match name {
                    "body" | "html" | "br" => self.insert_body(AttrRange::default()),
                    _ => return,
                },
                Phase::InBody => {
                    self.body_end(name);
                    return;
                }
                Phase::Frameset => {
                    if name == "frameset" && self.open.len() > 1 {
                        self.pop();
                    }
                    return;
                }
            }
        }
    }

    fn close_template(&mut self) {
        if self.counts[Tag::Template as usize] > 0 {
            self.generate_implied_end_tags(None);
            self.pop_until_tag(Tag::Template);
        }
    }

    fn body_end(&mut self, name: &str) {
        if self.current_is(Tag::Other, "colgroup") {
            match name {
                "colgroup" => {
                    self.pop();
                    return;
                }
                "col" | "template" => return,
                _ => {
                    self.pop();
                }
            }
        }
        if (name == "br" || name == "p")
            && self
                .open
                .last()
                .is_some_and(|e| e.ns != Ns::Html && e.flags & INTEGRATION == 0)
        {
            // `</br>` and `</p>` leave foreign content, then follow the HTML rules.
            while let Some(e) = self.open.last() {
                if e.ns == Ns::Html || e.flags & INTEGRATION != 0 {
                    break;
                }
                self.pop();
            }
        }
        if self.open.last().is_some_and(|e| e.ns != Ns::Html) {
            // Foreign content: close the nearest foreign element of that name.
            let mut i = self.open.len() - 1;
            loop {
                if i == 0 {
                    return;
                }
                let e = self.open[i];
                if self.name(e.id).eq_ignore_ascii_case(name) {
                    while self.open.len() > i {
                        self.pop();
                    }
                    return;
                }
                i -= 1;
                if self.open[i].ns == Ns::Html {
                    break;
                }
            }
        }
        match name {
            // `</body>` and `</html>` keep the stack as it is: later content still goes to
            // the current node, as the standard's "after body" mode ends up doing.
            "body" | "html" => {}
            "template" => self.close_template(),
            "address" | "article" | "aside" | "blockquote" | "button" | "center" | "details"
            | "dialog" | "dir" | "div" | "dl" | "fieldset" | "figcaption" | "figure" | "footer"
            | "header" | "hgroup" | "listing" | "main" | "menu" | "nav" | "ol" | "pre"
            | "search" | "section" | "summary" | "ul" => {
                if self.in_scope(Tag::of(name), name, SCOPE) {
                    self.generate_implied_end_tags(None);
                    self.pop_until_name(name);
                }
            }
            "form" => {
                let form = std::mem::replace(&mut self.form, NONE);
                if form != NONE && self.is_open[form as usize] && self.element_in_scope(form) {
                    self.generate_implied_end_tags(None);
                    if let Some(i) = self.open.iter().rposition(|e| e.id == form) {
                        self.remove_open_at(i);
                    }
                } else if form == NONE && self.in_scope(Tag::Form, "form", SCOPE) {
                    self.generate_implied_end_tags(None);
                    self.pop_until_name("form");
                }
            }
            "p" => {
                if !self.in_scope(Tag::P, "p", SCOPE | BUTTON_SCOPE) {
                    self.foster = self.in_table_mode();
                    self.insert_html("p", AttrRange::default(), false);
                    self.foster = false;
                }
                self.close_p();
            }
            "li" => {
                if self.in_scope(Tag::Li, "li", SCOPE | LIST_SCOPE) {
                    self.generate_implied_end_tags(Some("li"));
                    self.pop_until_name("li");
                }
            }
            "dd" | "dt" => {
                if self.in_scope(Tag::of(name), name, SCOPE) {
                    self.generate_implied_end_tags(Some(name));
                    self.pop_until_name(name);
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                if self.heading_in_scope() {
                    self.generate_implied_end_tags(None);
                    while let Some(e) = self.pop() {
                        if e.ns == Ns::Html && e.flags & HEADING != 0 {
                            break;
                        }
                    }
                }
            }
            "a" | "b" | "big" | "code" | "em" | "font" | "i" | "nobr" | "s" | "small"
            | "strike" | "strong" | "tt" | "u" => self.adoption_agency(name),
            "applet" | "marquee" | "object" => {
                if self.in_scope(Tag::of(name), name, SCOPE) {
                    self.generate_implied_end_tags(None);
                    self.pop_until_name(name);
                }
            }
            "br" => {
                self.foster = self.in_table_mode();
                self.reconstruct_formatting();
                self.insert_html("br", AttrRange::default(), true);
                self.foster = false;
            }
            "table" | "tbody" | "tfoot" | "thead" | "tr" | "caption" => {
                let tag = Tag::of(name);
                if self.in_table_scope(tag) {
                    self.pop_until_tag(tag);
                }
            }
            "td" | "th" => {
                let tag = Tag::of(name);
                if self.in_table_scope(tag) {
                    self.generate_implied_end_tags(None);
                    self.pop_until_tag(tag);
                }
            }
            "select" => {
                if self.select_in_select_scope() {
                    self.pop_until_tag(Tag::Select);
                }
            }
            "colgroup" => {
                if self.current_is(Tag::Other, "colgroup") {
                    self.pop();
                }
            }
            "col" | "frameset" | "frame" | "head" => {}
            _ => self.any_other_end_tag(name),
        }
    }

    fn any_other_end_tag(&mut self, name: &str) {
        let tag = Tag::of(name);
        if tag != Tag::Other && self.counts[tag as usize] == 0 {
            return;
        }
        for i in (0..self.open.len()).rev() {
            let e = self.open[i];
            if e.ns == Ns::Html && e.tag == tag && self.name(e.id) == name {
                self.generate_implied_end_tags(Some(name));
                while self.open.len() > i {
                    self.pop();
                }
                return;
            }
            if e.flags & SPECIAL != 0 {
                return;
            }
        }
    }

    // ----- text -----

    fn characters(&mut self, text: &str) {
        let mut s = text;
        if std::mem::take(&mut self.skip_newline)
            && let Some(rest) = s.strip_prefix('\n')
        {
            s = rest;
        }
        if s.is_empty() {
            return;
        }
        if self.raw != NONE {
            if !self.drop_raw {
                let cur = self.current();
                self.append_text(cur, s);
            }
            return;
        }
        if self.in_template() {
            self.body_characters(s);
            return;
        }
        loop {
            match self.phase {
                Phase::Initial | Phase::BeforeHead => {
                    s = &s[leading_ws(s)..];
                    if s.is_empty() {
                        return;
                    }
                    if self.phase == Phase::Initial {
                        self.ensure_html(AttrRange::default());
                    } else {
                        self.insert_head(AttrRange::default());
                    }
                }
                Phase::InHead | Phase::InHeadNoscript | Phase::AfterHead => {
                    let ws = leading_ws(s);
                    if ws > 0 {
                        self.insert_text(&s[..ws]);
                        s = &s[ws..];
                        if s.is_empty() {
                            return;
                        }
                    }
                    match self.phase {
                        Phase::InHeadNoscript => {
                            self.pop();
                            self.phase = Phase::InHead;
                        }
                        Phase::InHead => self.leave_head(),
                        _ => self.insert_body(AttrRange::default()),
                    }
                }
                Phase::InBody => {
                    self.body_characters(s);
                    return;
                }
                Phase::Frameset => return,
            }
        }
    }

    fn body_characters(&mut self, mut s: &str) {
        if self.current_is(Tag::Other, "colgroup") {
            let ws = leading_ws(s);
            if ws > 0 {
                let cur = self.current();
                self.append_text(cur, &s[..ws]);
                s = &s[ws..];
                if s.is_empty() {
                    return;
                }
            }
            self.pop();
        }
        let Some(cur) = self.open.last().copied() else {
            return;
        };
        if cur.ns == Ns::Html && cur.flags & FOSTER != 0 {
            if leading_ws(s) == s.len() {
                self.append_text(cur.id, s);
                return;
            }
            self.foster = true;
            self.reconstruct_formatting();
            self.insert_text(s);
            self.foster = false;
            return;
        }
        if cur.ns == Ns::Html || cur.flags & INTEGRATION != 0 {
            self.foster = self.in_table_mode();
            self.reconstruct_formatting();
            self.foster = false;
        }
        self.insert_text(s);
    }
}

impl TokenSink for Builder {
    fn start_tag(&mut self, tag: StartTag<'_>) -> TextMode {
        self.skip_newline = false;
        self.raw = NONE;
        self.start(tag)
    }

    fn end_tag(&mut self, name: &str) {
        self.skip_newline = false;
        self.raw = NONE;
        self.end(name);
    }

    fn raw_end(&mut self) {
        let raw = std::mem::replace(&mut self.raw, NONE);
        self.skip_newline = false;
        if raw != NONE && self.current() == raw {
            self.pop();
        }
    }

    fn text(&mut self, text: &str) {
        self.characters(text);
    }

    fn doctype(&mut self, _html: bool) {}

    fn in_foreign(&self) -> bool {
        self.open.last().is_some_and(|e| e.ns != Ns::Html)
    }

    fn stopped(&self) -> bool {
        self.truncated
    }

    fn buffers(&mut self) -> (&mut Vec<Attr>, &mut String) {
        (&mut self.attrs, &mut self.strings)
    }
}
