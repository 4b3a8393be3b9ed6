//! A compact arena DOM built by html5ever's tree builder.
//!
//! Nodes live in one `Vec` and refer to each other by index, which keeps parsing cheap (no
//! reference counting, one allocation per text run) and makes traversals cache friendly.
//! Work per page is bounded: the input is cut at a byte limit, nodes past a node limit are
//! parsed but left out of the tree, and traversals stop at a depth limit.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeBuilderOpts, TreeSink};
use html5ever::{Attribute, LocalName, ParseOpts, QualName, local_name, ns, parse_document};

/// Index of a node in [`Dom::nodes`].
pub type NodeId = u32;

/// The "no node" index used for absent links.
pub const NONE: NodeId = u32::MAX;

/// What a node is.
#[derive(Debug)]
pub enum NodeData {
    /// The document root.
    Document,
    /// An element with its local name and attributes (name, value).
    Element {
        /// The tag, classified.
        tag: Tag,
        /// The element's local name (lower case for HTML elements).
        name: LocalName,
        /// Attributes as (local name, value) pairs.
        attrs: Vec<(LocalName, StrTendril)>,
    },
    /// A run of character data.
    Text(StrTendril),
    /// A comment, doctype or processing instruction: kept only as a tree position.
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
    /// Classifies a local name.
    pub fn of(name: &LocalName) -> Tag {
        match *name {
            local_name!("html") => Tag::Html,
            local_name!("head") => Tag::Head,
            local_name!("body") => Tag::Body,
            local_name!("title") => Tag::Title,
            local_name!("meta") => Tag::Meta,
            local_name!("link") => Tag::Link,
            local_name!("script") => Tag::Script,
            local_name!("style") => Tag::Style,
            local_name!("noscript") => Tag::Noscript,
            local_name!("template") => Tag::Template,
            local_name!("svg") => Tag::Svg,
            local_name!("math") => Tag::Math,
            local_name!("iframe") | local_name!("frame") | local_name!("frameset") => Tag::Iframe,
            local_name!("object") | local_name!("embed") | local_name!("applet") => Tag::Object,
            local_name!("canvas") => Tag::Canvas,
            local_name!("video") => Tag::Video,
            local_name!("audio") => Tag::Audio,
            local_name!("select") => Tag::Select,
            local_name!("option") | local_name!("optgroup") | local_name!("datalist") => {
                Tag::Option
            }
            local_name!("button") => Tag::Button,
            local_name!("input") => Tag::Input,
            local_name!("textarea") => Tag::Textarea,
            local_name!("label") => Tag::Label,
            local_name!("form") => Tag::Form,
            local_name!("nav") => Tag::Nav,
            local_name!("header") => Tag::Header,
            local_name!("footer") => Tag::Footer,
            local_name!("aside") => Tag::Aside,
            local_name!("main") => Tag::Main,
            local_name!("article") => Tag::Article,
            local_name!("section") => Tag::Section,
            local_name!("div") => Tag::Div,
            local_name!("p") => Tag::P,
            local_name!("h1") => Tag::H1,
            local_name!("h2") => Tag::H2,
            local_name!("h3") => Tag::H3,
            local_name!("h4") => Tag::H4,
            local_name!("h5") => Tag::H5,
            local_name!("h6") => Tag::H6,
            local_name!("ul") => Tag::Ul,
            local_name!("ol") => Tag::Ol,
            local_name!("li") => Tag::Li,
            local_name!("dl") => Tag::Dl,
            local_name!("dt") => Tag::Dt,
            local_name!("dd") => Tag::Dd,
            local_name!("table") => Tag::Table,
            local_name!("thead") => Tag::Thead,
            local_name!("tbody") => Tag::Tbody,
            local_name!("tfoot") => Tag::Tfoot,
            local_name!("tr") => Tag::Tr,
            local_name!("td") => Tag::Td,
            local_name!("th") => Tag::Th,
            local_name!("caption") => Tag::Caption,
            local_name!("pre") | local_name!("listing") | local_name!("xmp") => Tag::Pre,
            local_name!("code") => Tag::Code,
            local_name!("blockquote") => Tag::Blockquote,
            local_name!("figure") => Tag::Figure,
            local_name!("figcaption") => Tag::Figcaption,
            local_name!("img") => Tag::Img,
            local_name!("picture") => Tag::Picture,
            local_name!("br") => Tag::Br,
            local_name!("hr") => Tag::Hr,
            local_name!("a") => Tag::A,
            local_name!("time") => Tag::Time,
            local_name!("address") => Tag::Address,
            local_name!("details") => Tag::Details,
            local_name!("summary") => Tag::Summary,
            local_name!("dialog") => Tag::Dialog,
            local_name!("menu") => Tag::Menu,
            local_name!("center") => Tag::Center,
            local_name!("font") => Tag::Font,
            local_name!("span") => Tag::Span,
            local_name!("strong") => Tag::Strong,
            local_name!("b") => Tag::B,
            local_name!("em") => Tag::Em,
            local_name!("i") => Tag::I,
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

/// Limits that bound the work done on one page.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of HTML parsed; the rest of the page is ignored.
    pub max_bytes: usize,
    /// Nodes kept in the tree; later nodes are parsed but not attached.
    pub max_nodes: usize,
    /// Elements deeper than this are not visited by traversals.
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
    /// True when the byte or node limit cut the page.
    pub truncated: bool,
}

/// The root (document) node.
pub const ROOT: NodeId = 0;

impl Dom {
    /// Parses `html` within `limits`.
    pub fn parse(html: &str, limits: &Limits) -> Dom {
        let mut cut = html.len().min(limits.max_bytes);
        while !html.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some(deep) = nesting_cut(&html[..cut], limits.max_depth.saturating_mul(20)) {
            cut = deep;
        }
        let sink = Sink {
            nodes: RefCell::new(vec![Node::new(NodeData::Document)]),
            max_nodes: limits.max_nodes.max(1),
            overflow: Cell::new(false),
        };
        // Scripting off: `<noscript>` content is parsed as markup, since some sites put their
        // server-rendered text there.
        let opts = ParseOpts {
            tree_builder: TreeBuilderOpts {
                scripting_enabled: false,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut dom = parse_document(sink, opts).one(StrTendril::from(&html[..cut]));
        if cut < html.len() {
            dom.truncated = true;
        }
        dom
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

    /// The value of attribute `name` of element `id`.
    pub fn attr(&self, id: NodeId, name: &str) -> Option<&str> {
        match &self.node(id).data {
            NodeData::Element { attrs, .. } => attrs
                .iter()
                .find(|(n, _)| &**n == name)
                .map(|(_, v)| v.as_ref()),
            _ => None,
        }
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
    pub fn walk(
        &self,
        start: NodeId,
        max_depth: usize,
        visit: &mut dyn FnMut(NodeId, usize) -> bool,
    ) {
        let mut stack: Vec<(NodeId, usize)> = vec![(start, 0)];
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

/// Elements that never hold children, and those whose end tag is optional (the parser closes
/// them itself, so they do not nest deeply); neither counts as opening a level.
fn opens_no_level(name: &[u8]) -> bool {
    const NAMES: &[&[u8]] = &[
        b"area",
        b"base",
        b"br",
        b"col",
        b"embed",
        b"hr",
        b"img",
        b"input",
        b"link",
        b"meta",
        b"param",
        b"source",
        b"track",
        b"wbr",
        b"p",
        b"li",
        b"option",
        b"td",
        b"th",
        b"tr",
        b"dt",
        b"dd",
        b"!doctype",
    ];
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Where to cut `html` so that at most `max_open` elements are open at once, counted roughly
/// from the tags. html5ever's tree builder slows down sharply on very deep nesting (tens of
/// thousands of levels), so input past that point is not parsed. `None` when no cut is needed.
pub fn nesting_cut(html: &str, max_open: usize) -> Option<usize> {
    let b = html.as_bytes();
    let mut open = 0usize;
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let start = i + off;
        i = start + 1;
        if b[i..].starts_with(b"!--") {
            match html[i..].find("-->") {
                Some(end) => i += end + 3,
                None => return None,
            }
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let name_start = if closing { i + 1 } else { i };
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'!' || **c == b'-')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = &b[name_start..name_start + name_len];
        let gt = b[name_start..].iter().position(|&c| c == b'>')?;
        let tag_end = name_start + gt;
        i = tag_end + 1;
        if closing {
            open = open.saturating_sub(1);
            continue;
        }
        if b[..tag_end].ends_with(b"/") || opens_no_level(name) {
            continue;
        }
        // Raw-text elements: skip to their end tag so that markup-like script text is ignored.
        for raw in [&b"script"[..], b"style", b"textarea", b"title", b"xmp"] {
            if name.eq_ignore_ascii_case(raw) {
                let close = format!("</{}", std::str::from_utf8(raw).unwrap_or(""));
                match find_ci(&html[i..], &close) {
                    Some(end) => i += end,
                    None => return None,
                }
            }
        }
        open += 1;
        if open > max_open {
            return Some(start);
        }
    }
    None
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
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
    fn new(data: NodeData) -> Node {
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

/// The tree builder's handle: the node index plus the element name, so that `elem_name` needs
/// no borrow of the arena.
#[derive(Clone)]
struct Handle {
    id: NodeId,
    name: QualName,
}

struct Sink {
    nodes: RefCell<Vec<Node>>,
    max_nodes: usize,
    overflow: Cell<bool>,
}

fn empty_name() -> QualName {
    QualName::new(None, ns!(), local_name!(""))
}

impl Sink {
    fn new_node(&self, data: NodeData) -> NodeId {
        let mut nodes = self.nodes.borrow_mut();
        let id = nodes.len() as NodeId;
        nodes.push(Node::new(data));
        id
    }

    fn detached(&self) -> bool {
        self.nodes.borrow().len() > self.max_nodes
    }

    fn detach(nodes: &mut [Node], id: NodeId) {
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

    fn append_node(nodes: &mut [Node], parent: NodeId, child: NodeId) {
        Self::detach(nodes, child);
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

    fn insert_before(nodes: &mut [Node], sibling: NodeId, child: NodeId) {
        Self::detach(nodes, child);
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

    fn append_text_to(&self, parent: NodeId, text: StrTendril) {
        let mut nodes = self.nodes.borrow_mut();
        let last = nodes[parent as usize].last_child;
        if last != NONE
            && let NodeData::Text(t) = &mut nodes[last as usize].data
        {
            t.push_tendril(&text);
            return;
        }
        drop(nodes);
        if self.detached() {
            self.overflow.set(true);
            return;
        }
        let id = self.new_node(NodeData::Text(text));
        Self::append_node(&mut self.nodes.borrow_mut(), parent, id);
    }
}

impl TreeSink for Sink {
    type Handle = Handle;
    type Output = Dom;
    type ElemName<'a> = &'a QualName;

    fn finish(self) -> Dom {
        Dom {
            truncated: self.overflow.get(),
            nodes: self.nodes.into_inner(),
        }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        Handle {
            id: ROOT,
            name: empty_name(),
        }
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> &'a QualName {
        &target.name
    }

    fn create_element(
        &self,
        name: QualName,
        attrs: Vec<Attribute>,
        _flags: ElementFlags,
    ) -> Handle {
        let tag = if name.ns == ns!(html) {
            Tag::of(&name.local)
        } else if name.local == local_name!("svg") {
            Tag::Svg
        } else if name.local == local_name!("math") {
            Tag::Math
        } else {
            Tag::Other
        };
        let attrs = attrs.into_iter().map(|a| (a.name.local, a.value)).collect();
        let id = self.new_node(NodeData::Element {
            tag,
            name: name.local.clone(),
            attrs,
        });
        Handle { id, name }
    }

    fn create_comment(&self, _text: StrTendril) -> Handle {
        Handle {
            id: self.new_node(NodeData::Other),
            name: empty_name(),
        }
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        Handle {
            id: self.new_node(NodeData::Other),
            name: empty_name(),
        }
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        match child {
            NodeOrText::AppendNode(h) => {
                if self.detached() {
                    self.overflow.set(true);
                    return;
                }
                Self::append_node(&mut self.nodes.borrow_mut(), parent.id, h.id);
            }
            NodeOrText::AppendText(text) => self.append_text_to(parent.id, text),
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        let has_parent = self.nodes.borrow()[element.id as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &Handle) -> Handle {
        // Template contents are never page text: the template element itself stands in.
        target.clone()
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        x.id == y.id
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        match new_node {
            NodeOrText::AppendNode(h) => {
                Self::insert_before(&mut self.nodes.borrow_mut(), sibling.id, h.id);
            }
            NodeOrText::AppendText(text) => {
                let mut nodes = self.nodes.borrow_mut();
                let prev = nodes[sibling.id as usize].prev;
                if prev != NONE
                    && let NodeData::Text(t) = &mut nodes[prev as usize].data
                {
                    t.push_tendril(&text);
                    return;
                }
                drop(nodes);
                if self.detached() {
                    self.overflow.set(true);
                    return;
                }
                let id = self.new_node(NodeData::Text(text));
                Self::insert_before(&mut self.nodes.borrow_mut(), sibling.id, id);
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        if let NodeData::Element { attrs: have, .. } = &mut nodes[target.id as usize].data {
            for a in attrs {
                if !have.iter().any(|(n, _)| *n == a.name.local) {
                    have.push((a.name.local, a.value));
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        Self::detach(&mut self.nodes.borrow_mut(), target.id);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let mut nodes = self.nodes.borrow_mut();
        let mut child = nodes[node.id as usize].first_child;
        while child != NONE {
            let next = nodes[child as usize].next;
            Self::append_node(&mut nodes, new_parent.id, child);
            child = next;
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
        assert!(matches!(&dom.node(kids[0]).data, NodeData::Text(t) if t.as_ref() == "Hello "));
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
            if let NodeData::Text(t) = &dom.node(id).data {
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
    fn nesting_prescan() {
        let deep = format!("{}x", "<div>".repeat(100));
        assert_eq!(nesting_cut(&deep, 50), Some(50 * 5));
        let flat = "<p>a<p>b<br><img src=x><div></div>".repeat(100);
        assert_eq!(nesting_cut(&flat, 50), None);
        let script = format!("<script>{}</script><div>", "<div>".repeat(100));
        assert_eq!(nesting_cut(&script, 50), None);
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
