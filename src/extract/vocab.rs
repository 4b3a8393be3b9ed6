//! The vocabulary of boilerplate: class/id tokens, ARIA roles and visible labels (English,
//! Arabic, Persian, Urdu) that mark page chrome rather than content.
//!
//! These are generic signals of how web pages name their parts (navigation, sidebars, share
//! widgets, comment sections, related-link boxes), written for this project from common web
//! conventions; none is specific to a site.

/// A kind of boilerplate, as a bit in a [`Kinds`] mask.
pub type Kinds = u16;

/// Navigation, menus, breadcrumbs, pagination, skip links.
pub const NAV: Kinds = 1;
/// Page and article footers.
pub const FOOTER: Kinds = 1 << 1;
/// Sidebars and widgets.
pub const SIDEBAR: Kinds = 1 << 2;
/// Share, like and follow widgets.
pub const SOCIAL: Kinds = 1 << 3;
/// Comment sections and comment forms.
pub const COMMENT: Kinds = 1 << 4;
/// Related, recommended, popular and "read also" boxes.
pub const RELATED: Kinds = 1 << 5;
/// Advertising and sponsored boxes.
pub const AD: Kinds = 1 << 6;
/// Newsletter, cookie, consent, login and pop-up boxes.
pub const POPUP: Kinds = 1 << 7;
/// Bylines, dates, tags and other article metadata lines.
pub const META: Kinds = 1 << 8;
/// Site headers, mastheads and banners.
pub const HEADER: Kinds = 1 << 9;
/// Calls to action ("Learn more", "Sign in"): only the label itself is boilerplate.
pub const CTA: Kinds = 1 << 10;
/// Promotional banners and hero boxes: on landing pages these often are the content, so only
/// short or link-heavy ones are boilerplate.
pub const PROMO: Kinds = 1 << 11;
/// Cookie and consent boxes and dialogs: never the page's content, however much text they
/// hold.
pub const CONSENT: Kinds = 1 << 12;
/// Marked by a visible label rather than by markup.
pub const LABEL: Kinds = 1 << 15;

/// Tokens of class and id values that mark boilerplate when they appear as a whole token.
const EXACT: &[(&str, Kinds)] = &[
    ("nav", NAV),
    ("navbar", NAV),
    ("navigation", NAV),
    ("menu", NAV),
    ("menubar", NAV),
    ("submenu", NAV),
    ("breadcrumb", NAV),
    ("breadcrumbs", NAV),
    ("crumbs", NAV),
    ("pagination", NAV),
    ("pager", NAV),
    ("toc", NAV),
    ("footer", FOOTER),
    ("foot", FOOTER),
    ("colophon", FOOTER),
    ("copyright", FOOTER),
    ("sidebar", SIDEBAR),
    ("widget", SIDEBAR),
    ("widgets", SIDEBAR),
    ("aside", SIDEBAR),
    ("share", SOCIAL),
    ("shares", SOCIAL),
    ("sharing", SOCIAL),
    ("social", SOCIAL),
    ("sharedaddy", SOCIAL),
    ("likes", SOCIAL),
    ("comment", COMMENT),
    ("comments", COMMENT),
    ("respond", COMMENT),
    ("disqus", COMMENT),
    ("discussion", COMMENT),
    ("reviews", COMMENT),
    ("related", RELATED),
    ("relatedposts", RELATED),
    ("recommended", RELATED),
    ("recommendations", RELATED),
    ("popular", RELATED),
    ("trending", RELATED),
    ("mostread", RELATED),
    ("readmore", RELATED),
    ("more", RELATED),
    ("outbrain", RELATED),
    ("taboola", RELATED),
    ("ad", AD),
    ("ads", AD),
    ("adv", AD),
    ("advert", AD),
    ("advertisement", AD),
    ("sponsor", AD),
    ("sponsored", AD),
    ("promo", PROMO),
    ("banner", PROMO),
    ("newsletter", POPUP),
    ("subscribe", POPUP),
    ("subscription", POPUP),
    ("signup", POPUP),
    ("cookie", CONSENT),
    ("cookies", CONSENT),
    ("consent", CONSENT),
    ("gdpr", CONSENT),
    ("modal", POPUP),
    ("popup", POPUP),
    ("overlay", POPUP),
    ("login", POPUP),
    ("byline", META),
    ("signature", META),
    ("author", META),
    ("meta", META),
    ("postmeta", META),
    ("dateline", META),
    ("date", META),
    ("timestamp", META),
    ("tags", META),
    ("tagcloud", META),
    ("masthead", HEADER),
    ("header", HEADER),
    ("topbar", HEADER),
];

/// Substrings of class and id values that mark boilerplate wherever they appear.
const SUBSTRINGS: &[(&str, Kinds)] = &[
    ("navbar", NAV),
    ("navigation", NAV),
    ("breadcrumb", NAV),
    ("pagination", NAV),
    ("footer", FOOTER),
    ("sidebar", SIDEBAR),
    ("social", SOCIAL),
    ("sharing", SOCIAL),
    ("share-", SOCIAL),
    ("comment", COMMENT),
    ("related", RELATED),
    ("newsletter", POPUP),
    ("cookie", CONSENT),
    ("consent", CONSENT),
    ("advert", AD),
    ("sponsor", AD),
    ("byline", META),
];

/// Tokens that mark content; an element carrying one is never treated as boilerplate by its
/// class alone (e.g. `entry-content`, `article-body`).
const POSITIVE: &[&str] = &[
    "article",
    "articlebody",
    "content",
    "entry",
    "main",
    "post",
    "story",
    "body",
    "text",
    "blog",
    "hentry",
    "prose",
];

/// Distinct class/id values remembered per thread before the memo is emptied.
const CLASS_MEMO_CAPACITY: usize = 4096;

/// FNV-1a over the bytes of a class/id value, eight at a time: the memo's keys are short
/// strings from the page, looked up for every element, where SipHash cost more than the
/// look-up saved.
#[derive(Default)]
pub(crate) struct ValueHasher(u64);

impl std::hash::Hasher for ValueHasher {
    fn write(&mut self, bytes: &[u8]) {
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h ^ u64::from_le_bytes(w)).wrapping_mul(PRIME);
            h ^= h >> 29;
        }
        for &b in chunks.remainder() {
            h = (h ^ u64::from(b)).wrapping_mul(PRIME);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        // Mix the high bits down: hashbrown takes its control byte from the top seven bits
        // and its bucket from the low ones.
        let h = self.0;
        (h ^ (h >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
}

type ClassMemo =
    std::collections::HashMap<Box<str>, (Kinds, bool), std::hash::BuildHasherDefault<ValueHasher>>;

thread_local! {
    /// [`class_kinds`] of values seen before: a page repeats the same few class values on
    /// hundreds of elements, and the pages of one site share them.
    static CLASS_MEMO: std::cell::RefCell<ClassMemo> =
        std::cell::RefCell::new(ClassMemo::default());
}

/// The boilerplate kinds named by a class or id value, and whether it names content.
pub fn class_kinds(value: &str) -> (Kinds, bool) {
    if value.len() > 256 {
        return class_kinds_uncached(value);
    }
    CLASS_MEMO.with(|memo| {
        if let Some(found) = memo.borrow().get(value) {
            return *found;
        }
        let result = class_kinds_uncached(value);
        let mut memo = memo.borrow_mut();
        if memo.len() >= CLASS_MEMO_CAPACITY {
            memo.clear();
        }
        memo.insert(Box::from(value), result);
        result
    })
}

fn class_kinds_uncached(value: &str) -> (Kinds, bool) {
    let mut kinds = 0;
    let mut positive = false;
    let tables = class_tables();
    let lower = value.to_ascii_lowercase();
    for name in lower.split_ascii_whitespace() {
        // State and layout modifiers (`no-share`, `has-sidebar`, `with-comments`) describe
        // the element's surroundings, not the element.
        if MODIFIERS.iter().any(|m| name.starts_with(m)) {
            continue;
        }
        // Generated names (`kt-adv-heading356_3fb368`, `column74_975ada-ad`) split into
        // fragments that only look like words: their short tokens say nothing.
        let generated = name.bytes().any(|b| b.is_ascii_digit());
        for token in name.split(|c: char| !c.is_ascii_alphanumeric()) {
            if token.is_empty() || (generated && token.len() <= 3) {
                continue;
            }
            if let Some(&(k, p)) = tables.tokens.get(token) {
                kinds |= k;
                positive |= p;
            }
        }
        kinds |= substring_kinds(name, tables);
    }
    (kinds, positive)
}

/// [`EXACT`] and [`POSITIVE`] in one map, and [`SUBSTRINGS`] indexed by first byte.
struct ClassTables {
    /// Each token's boilerplate kinds and whether it names content.
    tokens: std::collections::HashMap<
        &'static str,
        (Kinds, bool),
        std::hash::BuildHasherDefault<ValueHasher>,
    >,
    /// For each byte, the [`SUBSTRINGS`] entries that start with it.
    by_first: Vec<Vec<(&'static [u8], Kinds)>>,
}

fn class_tables() -> &'static ClassTables {
    static TABLES: std::sync::OnceLock<ClassTables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut tokens = std::collections::HashMap::default();
        for &(t, k) in EXACT {
            tokens.entry(t).or_insert((0, false)).0 |= k;
        }
        for &t in POSITIVE {
            tokens.entry(t).or_insert((0, false)).1 = true;
        }
        let mut by_first = vec![Vec::new(); 256];
        for &(s, k) in SUBSTRINGS {
            by_first[s.as_bytes()[0] as usize].push((s.as_bytes(), k));
        }
        ClassTables { tokens, by_first }
    })
}

/// The kinds of the [`SUBSTRINGS`] found anywhere in `name`.
fn substring_kinds(name: &str, tables: &ClassTables) -> Kinds {
    let b = name.as_bytes();
    let mut kinds = 0;
    for i in 0..b.len() {
        for &(s, k) in &tables.by_first[b[i] as usize] {
            if b[i..].starts_with(s) {
                kinds |= k;
            }
        }
    }
    kinds
}

/// Prefixes of class names that are modifiers or taxonomy terms rather than names.
const MODIFIERS: &[&str] = &[
    "no-",
    "no_",
    "has-",
    "has_",
    "with-",
    "with_",
    "without-",
    "is-",
    "show-",
    "hide-",
    "enable-",
    "disable-", // taxonomy classes a CMS puts on posts (`category-reviews`, `tag-comments`)
    "category-",
    "tag-",
    "format-",
    "type-",
];

/// The boilerplate kinds of an ARIA role.
pub fn role_kinds(role: &str) -> Kinds {
    match role.trim().to_ascii_lowercase().as_str() {
        "navigation" | "menu" | "menubar" | "toolbar" => NAV,
        "contentinfo" => FOOTER,
        "complementary" => SIDEBAR,
        "banner" => HEADER,
        "search" | "alert" => POPUP,
        "dialog" | "alertdialog" => CONSENT,
        _ => 0,
    }
}

/// Visible labels that head boilerplate boxes, lower-cased. A short text block that is one of
/// these (possibly with a count or punctuation) marks its box.
const LABELS: &[(&str, Kinds)] = &[
    // English
    ("leave a reply", COMMENT),
    ("leave a comment", COMMENT),
    ("post a comment", COMMENT),
    ("add a comment", COMMENT),
    ("comments", COMMENT),
    ("comment", COMMENT),
    ("responses", COMMENT),
    ("share this", SOCIAL),
    ("share this article", SOCIAL),
    ("share this post", SOCIAL),
    ("share", SOCIAL),
    ("share on", SOCIAL),
    ("like this", SOCIAL),
    ("follow us", SOCIAL),
    ("related", RELATED),
    ("related posts", RELATED),
    ("related articles", RELATED),
    ("related stories", RELATED),
    ("related news", RELATED),
    ("read also", RELATED),
    ("see also", RELATED),
    ("you may also like", RELATED),
    ("you might also like", RELATED),
    ("more stories", RELATED),
    ("most read", RELATED),
    ("most popular", RELATED),
    ("popular posts", RELATED),
    ("recent posts", RELATED),
    ("latest news", RELATED),
    ("trending", RELATED),
    ("advertisement", AD),
    ("sponsored", AD),
    ("subscribe", POPUP),
    ("sign up for our newsletter", POPUP),
    ("newsletter", POPUP),
    ("tags", META),
    ("skip to content", CTA),
    ("skip to main content", CTA),
    ("get started", CTA),
    ("learn more", CTA),
    ("shop now", CTA),
    ("buy now", CTA),
    ("add to cart", CTA),
    ("sign in", CTA),
    ("sign up", CTA),
    ("log in", CTA),
    ("login", CTA),
    ("register now", CTA),
    ("book a demo", CTA),
    ("request a demo", CTA),
    ("contact us", CTA),
    ("open in app", CTA),
    ("create an account", CTA),
    ("rss feed", CTA),
    ("you might like", RELATED),
    ("you may like", RELATED),
    // Shop pages: grids of other products.
    ("related products", RELATED),
    ("related items", RELATED),
    ("similar items", RELATED),
    ("similar products", RELATED),
    ("customers also viewed", RELATED),
    ("customers also bought", RELATED),
    ("customers who viewed this item also viewed", RELATED),
    ("customers who bought this item also bought", RELATED),
    ("people who viewed this item also viewed", RELATED),
    ("people also viewed", RELATED),
    ("people also bought", RELATED),
    ("frequently bought together", RELATED),
    ("recently viewed", RELATED),
    ("recently viewed products", RELATED),
    ("recently viewed items", RELATED),
    ("you may also be interested in", RELATED),
    ("you might also be interested in", RELATED),
    ("recommended for you", RELATED),
    ("complete the look", RELATED),
    ("shop the look", RELATED),
    ("more from this seller", RELATED),
    ("subscribe now", CTA),
    ("back to top", CTA),
    ("print", CTA),
    // Arabic
    ("اترك رد", COMMENT),
    ("اقرأ المزيد", CTA),
    ("المزيد", CTA),
    ("تسجيل الدخول", CTA),
    ("اشترك الآن", CTA),
    ("اترك تعليقا", COMMENT),
    ("اترك تعليقاً", COMMENT),
    ("أضف تعليق", COMMENT),
    ("أضف تعليقا", COMMENT),
    ("اضف تعليق", COMMENT),
    ("تعليق", COMMENT),
    ("تعليقات", COMMENT),
    ("التعليقات", COMMENT),
    ("شارك", SOCIAL),
    ("شارك هذا", SOCIAL),
    ("شارك الخبر", SOCIAL),
    ("شارك المقال", SOCIAL),
    ("مشاركة", SOCIAL),
    ("إعجاب", SOCIAL),
    ("معجب", SOCIAL),
    ("تابعونا", SOCIAL),
    ("تابعنا", SOCIAL),
    ("اقرأ أيضا", RELATED),
    ("اقرأ أيضاً", RELATED),
    ("اقرأ ايضا", RELATED),
    ("إقرأ أيضا", RELATED),
    ("إقرأ أيضاً", RELATED),
    ("مواضيع ذات صلة", RELATED),
    ("مقالات ذات صلة", RELATED),
    ("أخبار ذات صلة", RELATED),
    ("اخبار ذات صلة", RELATED),
    ("ذات صلة", RELATED),
    ("الأكثر قراءة", RELATED),
    ("الاكثر قراءة", RELATED),
    ("الأكثر مشاهدة", RELATED),
    ("آخر الأخبار", RELATED),
    ("أحدث الأخبار", RELATED),
    ("إعلان", AD),
    ("اعلان", AD),
    ("الوسوم", META),
    ("وسوم", META),
    ("كلمات مفتاحية", META),
    ("الكلمات المفتاحية", META),
    // Persian
    ("ارسال نظر", COMMENT),
    ("نظرات", COMMENT),
    ("دیدگاه", COMMENT),
    ("اشتراک گذاری", SOCIAL),
    ("اشتراک‌گذاری", SOCIAL),
    ("مطالب مرتبط", RELATED),
    ("اخبار مرتبط", RELATED),
    ("بیشتر بخوانید", RELATED),
    ("پربازدید", RELATED),
    ("پربازدیدترین", RELATED),
    ("کد خبر", META),
    ("برچسب ها", META),
    ("برچسب‌ها", META),
    // Urdu
    ("تبصرے", COMMENT),
    ("مزید پڑھیں", RELATED),
    ("متعلقہ خبریں", RELATED),
    ("مزید خبریں", RELATED),
];

/// The kinds of a short visible label (e.g. a box heading), or 0. The label is compared after
/// dropping digits, punctuation and case; a few trailing words are allowed ("comments (3)",
/// "share on facebook").
pub fn label_kinds(text: &str) -> Kinds {
    // Letters (and ZWNJ) lower-cased, every other character a space, runs of spaces as one,
    // none at the ends; longer than 40 characters is not a label.
    let mut norm = String::with_capacity(text.len().min(MAX_LABEL_CHARS * 4));
    let mut count = 0;
    let mut space = false;
    for c in text.chars() {
        if !(crate::chars::is_alphabetic(c) || c == '\u{200C}') {
            space = true;
            continue;
        }
        if space && count > 0 {
            norm.push(' ');
            count += 1;
        }
        space = false;
        for l in c.to_lowercase() {
            norm.push(l);
            count += 1;
        }
        if count > MAX_LABEL_CHARS {
            return 0;
        }
    }
    if norm.is_empty() {
        return 0;
    }
    let mut best = 0;
    let first = norm.as_bytes()[0];
    for (label, kinds) in LABELS {
        // Both tests below need the first bytes to agree: most labels are passed over here.
        if label.as_bytes().first() != Some(&first) {
            continue;
        }
        if norm == *label {
            return *kinds;
        }
        if let Some(rest) = norm.strip_prefix(label)
            && rest.starts_with(' ')
            && rest.chars().count() <= 16
            && label.chars().count() >= 5
        {
            best |= kinds;
        }
    }
    best
}

/// Longest label, in characters after normalisation.
const MAX_LABEL_CHARS: usize = 40;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_tokens() {
        assert_eq!(class_kinds("site-footer dark"), (FOOTER, false));
        assert!(class_kinds("entry-content").1);
        assert_eq!(class_kinds("jp-relatedposts").0 & RELATED, RELATED);
        assert_eq!(
            class_kinds("sharedaddy sd-sharing-enabled").0 & SOCIAL,
            SOCIAL
        );
        assert_eq!(class_kinds("headline").0, 0);
        assert_eq!(class_kinds("canvas").0, 0);
        assert_eq!(class_kinds("entry-content no-share"), (0, true));
        assert_eq!(class_kinds("layout has-sidebar").0, 0);
        assert_eq!(class_kinds("kt-adv-heading356_3fb368-c9").0, 0);
        assert_eq!(class_kinds("column74_975ada-ad").0, 0);
        assert_eq!(class_kinds("ad-slot").0, AD);
        assert_eq!(class_kinds("post type-post category-reviews").0, 0);
        assert_eq!(class_kinds("product-reviews__list").0, COMMENT);
        assert_eq!(class_kinds("post-signature").0, META);
    }

    #[test]
    fn labels() {
        assert_eq!(label_kinds("اترك رد"), COMMENT);
        assert_eq!(label_kinds("اقرأ أيضاً:"), RELATED);
        assert_eq!(label_kinds("Comments (12)"), COMMENT);
        assert_eq!(label_kinds("Share on Facebook"), SOCIAL);
        assert_eq!(label_kinds("The minister said on Sunday"), 0);
        assert_eq!(label_kinds("قال الوزير"), 0);
    }
}
