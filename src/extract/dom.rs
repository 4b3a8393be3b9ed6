//! A compact arena DOM, built by nahr's own HTML parser ([`crate::html`]).
//!
//! Nodes live in one `Vec` and refer to each other by index, and the text of every text node
//! and attribute value lives in one string buffer ([`Dom::strings`]) that nodes refer to by
//! byte range ([`Span`]). This keeps parsing cheap (no reference counting, no allocation per
//! text run or attribute value, and a cheap drop) and makes traversals cache friendly.
//! Work per page is bounded: the input is cut at a byte limit, parsing stops at a node limit,
//! and traversals stop at a depth limit.

use std::borrow::Cow;

/// Index of a node in [`Dom::nodes`].
pub type NodeId = u32;

/// The "no node" index used for absent links.
pub const NONE: NodeId = u32::MAX;

/// An element or attribute name: a static string for common names, else owned.
pub type Name = Cow<'static, str>;

/// An attribute: its lower-case name and where its decoded value is in [`Dom::strings`].
pub type Attr = (Name, Span);

/// The attributes of one element: the entries `start..end` of [`Dom::attrs`]. Like
/// [`Span`]s, ranges are never changed once other entries follow them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AttrRange {
    /// First entry.
    pub start: usize,
    /// One past the last entry.
    pub end: usize,
}

impl AttrRange {
    /// The entries of this range of `attrs`.
    #[inline]
    pub fn get(self, attrs: &[Attr]) -> &[Attr] {
        &attrs[self.start..self.end]
    }

    /// True when the element has no attributes.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A string kept in a [`Dom`]'s string buffer ([`Dom::strings`]): the byte range
/// `start..end` of it. Spans are never changed once another string follows them in the
/// buffer, so copies of a span (a cloned element's attributes) stay valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// Appends `s` to `buf` and returns where it is.
    #[inline]
    pub fn push(buf: &mut String, s: &str) -> Span {
        let start = buf.len();
        buf.push_str(s);
        Span {
            start,
            end: buf.len(),
        }
    }

    /// Appends `s` to the string at `self` in `buf`: in place when that string ends the
    /// buffer, else after a copy of it moved to the end (the old bytes stay, unused).
    pub fn extend(&mut self, buf: &mut String, s: &str) {
        if self.end != buf.len() {
            let start = buf.len();
            buf.extend_from_within(self.start..self.end);
            self.start = start;
        }
        buf.push_str(s);
        self.end = buf.len();
    }

    /// The string at this span of `buf`.
    #[inline]
    pub fn get(self, buf: &str) -> &str {
        &buf[self.start..self.end]
    }
}

/// What a node is.
#[derive(Debug)]
pub enum NodeData {
    /// The document root.
    Document,
    /// An element with its local name and attributes (name, value).
    Element {
        /// The tag, classified.
        tag: Tag,
        /// The element's local name (ASCII lower case).
        name: Name,
        /// Attributes as (lower-case name, decoded value) pairs, in source order: a range of
        /// [`Dom::attrs`], with the values in [`Dom::strings`] ([`Dom::attributes`] gives
        /// them as strings).
        attrs: AttrRange,
    },
    /// A run of character data, references decoded, in [`Dom::strings`] ([`Dom::text`] gives
    /// it as a string).
    Text(Span),
    /// A node that is not page content (comments and doctypes produce no nodes; kept for the
    /// nodes that have no better kind).
    Other,
}

/// Element tags the extractor treats specially; everything else is [`Tag::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Tag {
    Html,
    Head,
    Body,
    Title,
    Meta,
    Link,
    Script,
    Style,
    Noscript,
    Template,
    Svg,
    Math,
    Iframe,
    Object,
    Canvas,
    Video,
    Audio,
    Select,
    Option,
    Button,
    Input,
    Textarea,
    Label,
    Form,
    Nav,
    Header,
    Footer,
    Aside,
    Main,
    Article,
    Section,
    Div,
    P,
    H1,
    H2,
    H3,
    H4,
    H5,
    H6,
    Ul,
    Ol,
    Li,
    Dl,
    Dt,
    Dd,
    Table,
    Thead,
    Tbody,
    Tfoot,
    Tr,
    Td,
    Th,
    Caption,
    Pre,
    Code,
    Blockquote,
    Figure,
    Figcaption,
    Img,
    Picture,
    Br,
    Hr,
    A,
    Time,
    Address,
    Details,
    Summary,
    Dialog,
    Menu,
    Center,
    Font,
    Span,
    Strong,
    B,
    Em,
    I,
    Other,
}

impl Tag {
    /// Classifies an element name (ASCII lower case).
    pub fn of(name: &str) -> Tag {
        match name {
            "html" => Tag::Html,
            "head" => Tag::Head,
            "body" => Tag::Body,
            "title" => Tag::Title,
            "meta" => Tag::Meta,
            "link" => Tag::Link,
            "script" => Tag::Script,
            "style" => Tag::Style,
            "noscript" => Tag::Noscript,
            "template" => Tag::Template,
            "svg" => Tag::Svg,
            "math" => Tag::Math,
            "iframe" | "frame" | "frameset" => Tag::Iframe,
            "object" | "embed" | "applet" => Tag::Object,
            "canvas" => Tag::Canvas,
            "video" => Tag::Video,
            "audio" => Tag::Audio,
            "select" => Tag::Select,
            "option" | "optgroup" | "datalist" => Tag::Option,
            "button" => Tag::Button,
            "input" => Tag::Input,
            "textarea" => Tag::Textarea,
            "label" => Tag::Label,
            "form" => Tag::Form,
            "nav" => Tag::Nav,
            "header" => Tag::Header,
            "footer" => Tag::Footer,
            "aside" => Tag::Aside,
            "main" => Tag::Main,
            "article" => Tag::Article,
            "section" => Tag::Section,
            "div" => Tag::Div,
            "p" => Tag::P,
            "h1" => Tag::H1,
            "h2" => Tag::H2,
            "h3" => Tag::H3,
            "h4" => Tag::H4,
            "h5" => Tag::H5,
            "h6" => Tag::H6,
            "ul" => Tag::Ul,
            "ol" => Tag::Ol,
            "li" => Tag::Li,
            "dl" => Tag::Dl,
            "dt" => Tag::Dt,
            "dd" => Tag::Dd,
            "table" => Tag::Table,
            "thead" => Tag::Thead,
            "tbody" => Tag::Tbody,
            "tfoot" => Tag::Tfoot,
            "tr" => Tag::Tr,
            "td" => Tag::Td,
            "th" => Tag::Th,
            "caption" => Tag::Caption,
            "pre" | "listing" | "xmp" => Tag::Pre,
            "code" => Tag::Code,
            "blockquote" => Tag::Blockquote,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "img" => Tag::Img,
            "picture" => Tag::Picture,
            "br" => Tag::Br,
            "hr" => Tag::Hr,
            "a" => Tag::A,
            "time" => Tag::Time,
            "address" => Tag::Address,
            "details" => Tag::Details,
            "summary" => Tag::Summary,
            "dialog" => Tag::Dialog,
            "menu" => Tag::Menu,
            "center" => Tag::Center,
            "font" => Tag::Font,
            "span" => Tag::Span,
            "strong" => Tag::Strong,
            "b" => Tag::B,
            "em" => Tag::Em,
            "i" => Tag::I,
            _ => Tag::Other,
        }
    }

    /// True for tags whose content is never page text (scripts, styles, embedded objects, form
    /// controls whose text is option lists).
    pub fn is_invisible(self) -> bool {
        matches!(
            self,
            Tag::Head
                | Tag::Title
                | Tag::Meta
                | Tag::Link
                | Tag::Script
                | Tag::Style
                | Tag::Template
                | Tag::Svg
                | Tag::Math
                | Tag::Iframe
                | Tag::Object
                | Tag::Canvas
                | Tag::Video
                | Tag::Audio
                | Tag::Select
                | Tag::Option
                | Tag::Button
                | Tag::Input
                | Tag::Textarea
                | Tag::Dialog
        )
    }

    /// True for block-level tags: their text starts and ends a paragraph.
    pub fn is_block(self) -> bool {
        matches!(
            self,
            Tag::Html
                | Tag::Body
                | Tag::Form
                | Tag::Nav
                | Tag::Header
                | Tag::Footer
                | Tag::Aside
                | Tag::Main
                | Tag::Article
                | Tag::Section
                | Tag::Div
                | Tag::P
                | Tag::H1
                | Tag::H2
                | Tag::H3
                | Tag::H4
                | Tag::H5
                | Tag::H6
                | Tag::Ul
                | Tag::Ol
                | Tag::Li
                | Tag::Dl
                | Tag::Dt
                | Tag::Dd
                | Tag::Table
                | Tag::Thead
                | Tag::Tbody
                | Tag::Tfoot
                | Tag::Tr
                | Tag::Td
                | Tag::Th
                | Tag::Caption
                | Tag::Pre
                | Tag::Blockquote
                | Tag::Figure
                | Tag::Figcaption
                | Tag::Hr
                | Tag::Address
                | Tag::Details
                | Tag::Summary
                | Tag::Menu
                | Tag::Center
        )
    }

    /// True for headings `h1`..`h6`.
    pub fn is_heading(self) -> bool {
        matches!(
            self,
            Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6
        )
    }
}

/// One node of the arena.
#[derive(Debug)]
pub struct Node {
    /// Parent, or [`NONE`].
    pub parent: NodeId,
    /// First child, or [`NONE`].
    pub first_child: NodeId,
    /// Last child, or [`NONE`].
    pub last_child: NodeId,
    /// Next sibling, or [`NONE`].
    pub next: NodeId,
    /// Previous sibling, or [`NONE`].
    pub prev: NodeId,
    /// What the node is.
    pub data: NodeData,
}

/// Unlinks `id` from its parent and siblings (nothing when it has no parent).
pub(crate) fn detach(nodes: &mut [Node], id: NodeId) {
    let (parent, prev, next) = {
        let n = &nodes[id as usize];
        (n.parent, n.prev, n.next)
    };
    if parent == NONE {
        return;
    }
    if prev != NONE {
        nodes[prev as usize].next = next;
    } else {
        nodes[parent as usize].first_child = next;
    }
    if next != NONE {
        nodes[next as usize].prev = prev;
    } else {
        nodes[parent as usize].last_child = prev;
    }
    let n = &mut nodes[id as usize];
    n.parent = NONE;
    n.prev = NONE;
    n.next = NONE;
}

/// Moves `child` (detached from wherever it was) to the end of `parent`'s children.
pub(crate) fn append_child(nodes: &mut [Node], parent: NodeId, child: NodeId) {
    detach(nodes, child);
    let last = nodes[parent as usize].last_child;
    {
        let c = &mut nodes[child as usize];
        c.parent = parent;
        c.prev = last;
    }
    if last != NONE {
        nodes[last as usize].next = child;
    } else {
        nodes[parent as usize].first_child = child;
    }
    nodes[parent as usize].last_child = child;
}

/// Moves `child` (detached from wherever it was) just before `sibling`; nothing when `sibling`
/// has no parent.
pub(crate) fn insert_before(nodes: &mut [Node], sibling: NodeId, child: NodeId) {
    detach(nodes, child);
    let (parent, prev) = {
        let s = &nodes[sibling as usize];
        (s.parent, s.prev)
    };
    if parent == NONE {
        return;
    }
    {
        let c = &mut nodes[child as usize];
        c.parent = parent;
        c.prev = prev;
        c.next = sibling;
    }
    nodes[sibling as usize].prev = child;
    if prev != NONE {
        nodes[prev as usize].next = child;
    } else {
        nodes[parent as usize].first_child = child;
    }
}

/// Limits that bound the work done on one page.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of HTML parsed; the rest of the page is ignored.
    pub max_bytes: usize,
    /// Nodes in the tree: parsing stops at the first token after the tree holds this many
    /// (the DOM is then marked truncated).
    pub max_nodes: usize,
    /// Elements deeper than this are not visited by traversals; the parser keeps at most twice
    /// this many elements open (deeper ones become leaves).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 8 << 20,
            max_nodes: 400_000,
            max_depth: 256,
        }
    }
}

/// A parsed page.
#[derive(Debug)]
pub struct Dom {
    /// All nodes; index 0 is the document.
    pub nodes: Vec<Node>,
    /// The text of the text nodes and the attribute values, which refer to it by [`Span`].
    pub strings: String,
    /// The attributes of all elements, which refer to them by [`AttrRange`].
    pub attrs: Vec<Attr>,
    /// True when the byte or node limit cut the page.
    pub truncated: bool,
}

/// The root (document) node.
pub const ROOT: NodeId = 0;

impl Drop for Dom {
    /// Hands the node list and buffers to the parser for the thread's next page.
    fn drop(&mut self) {
        crate::html::recycle(
            std::mem::take(&mut self.nodes),
            std::mem::take(&mut self.strings),
            std::mem::take(&mut self.attrs),
        );
    }
}

impl Dom {
    /// Parses `html` within `limits` with nahr's HTML parser ([`crate::html::parse`]).
    pub fn parse(html: &str, limits: &Limits) -> Dom {
        crate::html::parse(html, limits)
    }

    /// The node at `id`.
    #[inline]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// The element tag of `id`, or `None` for non-elements.
    #[inline]
    pub fn tag(&self, id: NodeId) -> Option<Tag> {
        match &self.node(id).data {
            NodeData::Element { tag, .. } => Some(*tag),
            _ => None,
        }
    }

    /// The string at `span` of [`Dom::strings`].
    #[inline]
    pub fn str(&self, span: Span) -> &str {
        span.get(&self.strings)
    }

    /// The text of `id` when it is a text node.
    #[inline]
    pub fn text(&self, id: NodeId) -> Option<&str> {
        match &self.node(id).data {
            NodeData::Text(t) => Some(self.str(*t)),
            _ => None,
        }
    }

    /// The attribute entries of element `id` (none for other nodes); their values are
    /// [`Span`]s of [`Dom::strings`].
    #[inline]
    pub fn attr_entries(&self, id: NodeId) -> &[Attr] {
        match &self.node(id).data {
            NodeData::Element { attrs, .. } => attrs.get(&self.attrs),
            _ => &[],
        }
    }

    /// The value of attribute `name` of element `id`.
    pub fn attr(&self, id: NodeId, name: &str) -> Option<&str> {
        self.attr_entries(id)
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, v)| self.str(*v))
    }

    /// The attributes of element `id` as (name, value) pairs in source order (none for other
    /// nodes).
    pub fn attributes(&self, id: NodeId) -> impl Iterator<Item = (&str, &str)> + Clone + '_ {
        self.attr_entries(id)
            .iter()
            .map(|(n, v)| (&**n, self.str(*v)))
    }

    /// The children of `id`, in order.
    pub fn children(&self, id: NodeId) -> Children<'_> {
        Children {
            dom: self,
            next: self.node(id).first_child,
        }
    }

    /// The first element named `tag` in document order, within the depth limit.
    pub fn find_first(&self, tag: Tag, max_depth: usize) -> Option<NodeId> {
        let mut found = None;
        self.walk(ROOT, max_depth, &mut |id, _| {
            if found.is_some() {
                return false;
            }
            if self.tag(id) == Some(tag) {
                found = Some(id);
                return false;
            }
            true
        });
        found
    }

    /// Visits `start` and its descendants in document order without recursion. `visit` gets
    /// the node and its depth below `start` and returns whether to descend into it. Nodes
    /// deeper than `max_depth` are not visited.
    pub fn walk<F: FnMut(NodeId, usize) -> bool>(
        &self,
        start: NodeId,
        max_depth: usize,
        visit: &mut F,
    ) {
        let mut stack: Vec<(NodeId, usize)> = Vec::with_capacity(64);
        stack.push((start, 0));
        while let Some((id, depth)) = stack.pop() {
            if !visit(id, depth) || depth >= max_depth {
                continue;
            }
            let mut child = self.node(id).last_child;
            while child != NONE {
                stack.push((child, depth + 1));
                child = self.node(child).prev;
            }
        }
    }
}

/// Iterator over a node's children.
pub struct Children<'a> {
    dom: &'a Dom,
    next: NodeId,
}

impl Iterator for Children<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.dom.node(id).next;
        Some(id)
    }
}

impl Node {
    /// A node with no links.
    pub fn new(data: NodeData) -> Node {
        Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next: NONE,
            prev: NONE,
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_tree_with_text_and_attributes() {
        let dom = Dom::parse(
            "<p class=x>Hello <b>big</b> world</p><p>two",
            &Limits::default(),
        );
        let p = dom.find_first(Tag::P, 64).unwrap();
        assert_eq!(dom.attr(p, "class"), Some("x"));
        let kids: Vec<_> = dom.children(p).collect();
        assert_eq!(kids.len(), 3);
        assert_eq!(dom.text(kids[0]), Some("Hello "));
        assert_eq!(dom.tag(kids[1]), Some(Tag::B));
    }

    #[test]
    fn misnested_tags_are_repaired() {
        // The adoption agency algorithm moves nodes around: the tree must stay consistent.
        let dom = Dom::parse(
            "<b>1<p>2</b>3</p><table>x<tr><td>y</table>",
            &Limits::default(),
        );
        let mut texts = String::new();
        dom.walk(ROOT, 64, &mut |id, _| {
            if let Some(t) = dom.text(id) {
                texts.push_str(t);
            }
            true
        });
        assert_eq!(texts, "123xy");
    }

    #[test]
    fn node_limit_cuts_the_tree() {
        let html = "<p>a</p>".repeat(1000);
        let dom = Dom::parse(
            &html,
            &Limits {
                max_nodes: 100,
                ..Limits::default()
            },
        );
        assert!(dom.truncated);
        assert!(dom.nodes.len() <= 100 + 1000);
        let mut attached = 0;
        dom.walk(ROOT, 64, &mut |_, _| {
            attached += 1;
            true
        });
        assert!(attached <= 101, "attached {attached}");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        // 100,000 unclosed levels: the open-element stack stops at 2 x max_depth, deeper
        // elements become leaves, and the text after them is kept.
        let limits = Limits {
            max_depth: 50,
            ..Limits::default()
        };
        let deep = format!("{}x<p>after", "<div>".repeat(100_000));
        let dom = Dom::parse(&deep, &limits);
        let mut deepest = 0;
        let mut texts = String::new();
        dom.walk(ROOT, usize::MAX, &mut |id, depth| {
            deepest = deepest.max(depth);
            if let Some(t) = dom.text(id) {
                texts.push_str(t);
            }
            true
        });
        assert!(deepest <= 2 * 50 + 2, "depth {deepest}");
        assert_eq!(texts, "xafter");
    }

    #[test]
    fn byte_limit_cuts_on_char_boundary() {
        let html = "<p>سلام</p>".repeat(10);
        let dom = Dom::parse(
            &html,
            &Limits {
                max_bytes: 14,
                ..Limits::default()
            },
        );
        assert!(dom.truncated);
    }
}
