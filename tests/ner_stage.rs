//! The `entities` stage end to end on small texts: tokenize, then entities, with the built-in
//! lists and a user list given through pipeline options.

use nahr::document::{BioTag, Document, EntityLabel, EntityOrigin};
use nahr::stages::build_stage;

fn run(text: &str, lang: &str, options: toml::Table) -> Document {
    let mut doc = Document {
        text: text.to_string(),
        lang: Some(lang.to_string()),
        ..Document::default()
    };
    let tokenize = build_stage("tokenize", toml::Table::new()).unwrap();
    tokenize.process(&mut doc).unwrap();
    let entities = build_stage("entities", options).unwrap();
    entities.process(&mut doc).unwrap();
    doc
}

fn user_list_options(dir: &std::path::Path) -> toml::Table {
    let mut t = toml::Table::new();
    t.insert(
        "lists".into(),
        toml::Value::Array(vec![toml::Value::String("actors.tsv".into())]),
    );
    t.insert(
        "base_dir".into(),
        toml::Value::String(dir.display().to_string()),
    );
    t
}

#[test]
fn user_list_match_leaves_out_attached_proclitic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("actors.tsv"),
        "# my actors\nقوات سوريا الديمقراطية\tORG\n",
    )
    .unwrap();
    let text = "أعلنت لقوات سوريا الديمقراطية أمس.";
    let doc = run(text, "ar", user_list_options(dir.path()));
    let org: Vec<_> = doc
        .entities
        .iter()
        .filter(|e| e.label == EntityLabel::Org)
        .collect();
    assert_eq!(org.len(), 1, "{:?}", doc.entities);
    let e = org[0];
    let span: String = text.chars().skip(e.start).take(e.end - e.start).collect();
    assert_eq!(span, "قوات سوريا الديمقراطية");
    assert_eq!(&text[e.byte_start..e.byte_end], span);
    assert_eq!(e.origin, EntityOrigin::List);
    assert_eq!(e.norm, "قوات سوريا الديمقراطيه");
    assert!((0.0..=1.0).contains(&e.score));
    assert_eq!(doc.tokens[e.tok_start].ner, BioTag::B(EntityLabel::Org));
    assert_eq!(doc.tokens[e.tok_end - 1].ner, BioTag::I(EntityLabel::Org));
}

#[test]
fn builtin_list_finds_places_in_any_language() {
    let doc = run(
        "Die Reise ging von Damaskus nach Syria und Lebanon.",
        "de",
        toml::Table::new(),
    );
    let found: Vec<&str> = doc
        .entities
        .iter()
        .map(|e| &doc.text[e.byte_start..e.byte_end])
        .collect();
    assert_eq!(found, ["Syria", "Lebanon"]);
    assert!(doc.entities.iter().all(|e| e.label == EntityLabel::Loc));
}

#[test]
fn arab_towns_are_matched_in_arabic_documents_only() {
    // تازه is "new" in Persian, and in Arabic spelling (تازة) a Moroccan town of the GeoNames
    // list; Syria is in the territory names, which every language matches.
    let doc = run("اقدامات تازه در Syria", "fa", toml::Table::new());
    let found: Vec<&str> = doc
        .entities
        .iter()
        .map(|e| &doc.text[e.byte_start..e.byte_end])
        .collect();
    assert_eq!(found, ["Syria"]);
    let mut lists_only = toml::Table::new();
    lists_only.insert("models".into(), toml::Value::Boolean(false));
    let arabic = run("وصلوا إلى تازة", "ar", lists_only);
    assert_eq!(arabic.entities.len(), 1, "the town in an Arabic document");
}

#[test]
fn builtin_arabic_list_has_geonames_towns_but_not_word_like_names() {
    let mut options = toml::Table::new();
    options.insert("models".into(), toml::Value::Boolean(false));
    // منبج and إدلب are GeoNames towns (with a proclitic: وإدلب); الباب is a town too, but
    // also the everyday word "the door", so the list leaves it out.
    let doc = run("وصل الوفد إلى منبج وإدلب ثم أغلق الباب .", "ar", options);
    let found: Vec<(&str, EntityLabel)> = doc
        .entities
        .iter()
        .map(|e| (&doc.text[e.byte_start..e.byte_end], e.label))
        .collect();
    assert_eq!(
        found,
        [("منبج", EntityLabel::Loc), ("إدلب", EntityLabel::Loc)]
    );
    assert!(doc.entities.iter().all(|e| e.origin == EntityOrigin::List));
}

#[test]
fn word_like_towns_are_places_only_after_a_place_noun() {
    let options = |on: bool| {
        let mut o = toml::Table::new();
        o.insert("models".into(), toml::Value::Boolean(false));
        o.insert("context_towns".into(), toml::Value::Boolean(on));
        o
    };
    // الباب and الطبقة are towns and everyday words: after مدينة, and as a later conjunct
    // after the dual منطقتي (its و left out of the span), they are places; alone they are not.
    let text = "سيطرت القوات على مدينة الباب ثم أغلق الباب . وصلت إلى منطقتي منبج والطبقة غربا .";
    let doc = run(text, "ar", options(true));
    assert_eq!(
        mentions(&doc),
        [
            ("الباب".to_string(), EntityLabel::Loc, EntityOrigin::List),
            ("منبج".to_string(), EntityLabel::Loc, EntityOrigin::List),
            ("الطبقة".to_string(), EntityLabel::Loc, EntityOrigin::List),
        ]
    );
    let first_bab = text.find("الباب").unwrap();
    assert_eq!(
        doc.entities[0].byte_start, first_bab,
        "the town, not the door"
    );
    let off = run(text, "ar", options(false));
    assert_eq!(
        mentions(&off),
        [("منبج".to_string(), EntityLabel::Loc, EntityOrigin::List)]
    );
}

#[test]
fn missing_user_list_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = match build_stage("entities", user_list_options(dir.path())) {
        Ok(_) => panic!("a missing list must be an error"),
        Err(e) => e,
    };
    assert!(err.contains("actors.tsv"), "{err}");
    let mut bad = toml::Table::new();
    bad.insert("listz".into(), toml::Value::Array(vec![]));
    assert!(build_stage("entities", bad).is_err());
}

/// The entities of a document as (span text, label, origin).
fn mentions(doc: &Document) -> Vec<(String, EntityLabel, EntityOrigin)> {
    doc.entities
        .iter()
        .map(|e| {
            let span: String = doc
                .text
                .chars()
                .skip(e.start)
                .take(e.end - e.start)
                .collect();
            assert_eq!(&doc.text[e.byte_start..e.byte_end], span);
            (span, e.label, e.origin)
        })
        .collect()
}

fn org_phrase_options(on: bool) -> toml::Table {
    let mut t = toml::Table::new();
    t.insert("org_phrases".into(), toml::Value::Boolean(on));
    t
}

#[test]
fn organisation_head_and_name_become_one_org_without_the_proclitic() {
    // A head noun with a proclitic (ل + قوات), a place name, a nisba adjective; then a
    // generic phrase (قوات الاحتلال) that names no organisation.
    let text = "قال بيان لقوات لبنان الجنوبية إن الهجوم فشل. وانسحبت قوات الاحتلال من المدينة.";
    let doc = run(text, "ar", toml::Table::new());
    let found = mentions(&doc);
    assert_eq!(
        found,
        [(
            "قوات لبنان الجنوبية".to_string(),
            EntityLabel::Org,
            EntityOrigin::List
        )],
        "{:?}",
        doc.entities
    );
    let e = &doc.entities[0];
    assert_eq!(e.norm, "قوات لبنان الجنوبيه");
    assert!((0.0..=1.0).contains(&e.score));
    assert_eq!(doc.tokens[e.tok_start].ner, BioTag::B(EntityLabel::Org));
    for t in &doc.tokens[e.tok_start + 1..e.tok_end] {
        assert_eq!(t.ner, BioTag::I(EntityLabel::Org));
    }
    // The option turns it off: the place name alone is left, with the model's or list's label.
    let off = run(text, "ar", org_phrase_options(false));
    let found = mentions(&off);
    assert_eq!(found.len(), 1, "{:?}", off.entities);
    assert_eq!(
        (found[0].0.as_str(), found[0].1),
        ("لبنان", EntityLabel::Loc)
    );
    assert!(
        off.tokens
            .iter()
            .all(|t| t.ner != BioTag::B(EntityLabel::Org))
    );
}

#[test]
fn unknown_organisation_pattern_is_a_clear_error() {
    let mut t = toml::Table::new();
    t.insert(
        "org_patterns".into(),
        toml::Value::Array(vec![toml::Value::String("head-everything".into())]),
    );
    let err = build_stage("entities", t).err().unwrap();
    assert!(
        err.contains("head-everything") && err.contains("head-name-nisba"),
        "{err}"
    );
}

fn org_pattern_options(patterns: &[&str]) -> toml::Table {
    let mut t = toml::Table::new();
    t.insert(
        "org_patterns".into(),
        toml::Value::Array(
            patterns
                .iter()
                .map(|p| toml::Value::String(p.to_string()))
                .collect(),
        ),
    );
    t
}

#[test]
fn misc_name_after_an_organisation_head_is_relabelled_org() {
    // The model tags بوكو حرام MISC, in quotation marks after the head جماعة and again later
    // on its own; the head says it is an organisation.
    let text = "بايعت جماعة « بوكو حرام » زعيما جديدا. وتقاتل « بوكو حرام » في الشمال.";
    let name = |doc: &Document| -> Vec<EntityLabel> {
        mentions(doc)
            .into_iter()
            .filter(|(span, _, _)| span == "بوكو حرام")
            .map(|(_, label, origin)| {
                assert_eq!(origin, EntityOrigin::Model);
                label
            })
            .collect()
    };
    let off = run(text, "ar", org_phrase_options(false));
    assert_eq!(name(&off), [EntityLabel::Misc; 2], "{:?}", off.entities);
    // The mention after the head is relabelled, its span unchanged (head and quotation
    // marks outside); the other one only with the document-level pattern.
    let one = run(text, "ar", org_pattern_options(&["head-relabel"]));
    assert_eq!(
        name(&one),
        [EntityLabel::Org, EntityLabel::Misc],
        "{:?}",
        one.entities
    );
    let e = &one.entities[0];
    assert_eq!(doc_token(&one, e.tok_start - 2), "جماعة");
    assert_eq!(one.tokens[e.tok_start - 2].ner, BioTag::O);
    assert_eq!(one.tokens[e.tok_start].ner, BioTag::B(EntityLabel::Org));
    assert_eq!(one.tokens[e.tok_start + 1].ner, BioTag::I(EntityLabel::Org));
    let doc = run(text, "ar", org_pattern_options(&["head-relabel-doc"]));
    assert_eq!(name(&doc), [EntityLabel::Org; 2], "{:?}", doc.entities);
    // The phrase pattern for quoted names takes the head and the quotation marks in.
    let quoted = run(text, "ar", org_pattern_options(&["head-quoted"]));
    let found = mentions(&quoted);
    assert_eq!(
        (found[0].0.as_str(), found[0].1, found[0].2),
        ("جماعة « بوكو حرام »", EntityLabel::Org, EntityOrigin::List),
        "{:?}",
        quoted.entities
    );
}

#[test]
fn relabelling_leaves_a_user_lists_label() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("actors.tsv"), "بوكو حرام\tMISC\n").unwrap();
    let mut options = user_list_options(dir.path());
    options.extend(org_pattern_options(&["head-relabel-doc"]));
    let doc = run("بايعت جماعة « بوكو حرام » زعيما جديدا.", "ar", options);
    let found = mentions(&doc);
    assert_eq!(
        found,
        [(
            "بوكو حرام".to_string(),
            EntityLabel::Misc,
            EntityOrigin::List
        )],
        "{:?}",
        doc.entities
    );
}

/// The text of token `i`.
fn doc_token(doc: &Document, i: usize) -> &str {
    let t = &doc.tokens[i];
    &doc.text[t.byte_start..t.byte_end]
}

#[test]
fn a_name_after_a_disease_noun_is_a_disease() {
    let options = |on: bool| flag_options("disease_names", on);
    // The shipped model, trained on 2007 news, reads كورونا as a name of a person or a place;
    // after the disease noun فيروس (here with the proclitic ب) it names a disease, and so does
    // its later mention without the noun.
    let text = "ارتفع عدد المصابين بفيروس كورونا في مصر . وقال الوزير إن كورونا ينتشر .";
    let labels = |doc: &Document| -> Vec<(String, EntityLabel)> {
        mentions(doc)
            .into_iter()
            .filter(|(t, _, _)| t.starts_with("كورونا"))
            .map(|(t, l, _)| (t, l))
            .collect()
    };
    let on = run(text, "ar", options(true));
    let off = run(text, "ar", options(false));
    let (on, off) = (labels(&on), labels(&off));
    assert_eq!(on.len(), 2, "{on:?}");
    assert!(on.iter().all(|(_, l)| *l == EntityLabel::Misc), "{on:?}");
    assert_eq!(off.len(), 2, "{off:?}");
    assert!(off.iter().all(|(_, l)| *l != EntityLabel::Misc), "{off:?}");
}

#[test]
fn the_definite_word_after_a_newspaper_head_is_its_name() {
    // جريدة + one definite word no mention covers: that word names the newspaper; the head
    // and its proclitic stay outside. An agency's head takes a generic noun (وكالة الأنباء).
    let text = "وقال في حوار أجرته جريدة الحياة إن الاتفاق صامد. ونقلت وكالة الأنباء الخبر.";
    let doc = run(text, "ar", toml::Table::new());
    let found = mentions(&doc);
    assert!(
        found.contains(&("الحياة".to_string(), EntityLabel::Org, EntityOrigin::List)),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(t, _, _)| t.contains("جريدة") || t.contains("الأنباء")),
        "{found:?}"
    );
    let off = run(text, "ar", org_pattern_options(&["head-name-nisba"]));
    assert!(
        !mentions(&off).iter().any(|(t, _, _)| t == "الحياة"),
        "{:?}",
        off.entities
    );
}

#[test]
fn a_university_and_its_name_are_one_organisation() {
    // The model reads جونز هوبكنز as a person and القاهرة as a place; after the head جامعة
    // they name universities, head included.
    let text = "قال باحثون في جامعة جونز هوبكنز إن الدراسة تمت بالتعاون مع جامعة القاهرة.";
    let doc = run(text, "ar", toml::Table::new());
    let found = mentions(&doc);
    for name in ["جامعة جونز هوبكنز", "جامعة القاهرة"] {
        assert!(
            found.contains(&(name.to_string(), EntityLabel::Org, EntityOrigin::List)),
            "{found:?}"
        );
    }
    let off = run(text, "ar", org_pattern_options(&["head-name-nisba"]));
    assert!(
        !mentions(&off)
            .iter()
            .any(|(t, _, _)| t.starts_with("جامعة ")),
        "{:?}",
        off.entities
    );
}

/// Options with the one boolean option `name` on or off.
fn flag_options(name: &str, on: bool) -> toml::Table {
    let mut t = toml::Table::new();
    t.insert(name.into(), toml::Value::Boolean(on));
    t
}

/// Options with `case_check` on or off.
fn case_check_options(on: bool) -> toml::Table {
    flag_options("case_check", on)
}

/// Options with `tech_terms` on or off.
fn tech_term_options(on: bool) -> toml::Table {
    flag_options("tech_terms", on)
}

/// The mentions of `doc` whose text is one of `words`, as (text, label).
fn mentions_of(doc: &Document, words: &[&str]) -> Vec<(String, EntityLabel)> {
    mentions(doc)
        .into_iter()
        .filter(|(t, _, _)| words.contains(&t.as_str()))
        .map(|(t, l, _)| (t, l))
        .collect()
}

#[test]
fn technical_terms_are_dropped_or_relabelled_misc() {
    use EntityLabel::{Loc, Misc, Org, Per};
    // The shipped English model tags the vocabulary of a programming page as names: API, UI and
    // CSS as organisations, Rust as a place, Django as a person.
    let text = "Our API returns JSON, and the new UI uses CSS grid. We rewrote the parser in Rust, \
                then added a Python API and a JSON schema. Django makes it easy to build an API \
                with PostgreSQL.";
    let acronyms = ["API", "UI", "CSS"];
    let names = ["Rust", "Python", "Django"];
    let off = run(text, "en", tech_term_options(false));
    let off_acronyms = mentions_of(&off, &acronyms);
    assert!(off_acronyms.len() >= 4, "{off_acronyms:?}");
    assert!(
        off_acronyms.iter().all(|(_, l)| *l == Org),
        "{off_acronyms:?}"
    );
    let off_names = mentions_of(&off, &names);
    assert!(
        off_names.contains(&("Rust".into(), Loc)) && off_names.contains(&("Django".into(), Per)),
        "{off_names:?}"
    );
    // On (the default): the acronyms go, the names are MISC, nothing else changes.
    let on = run(text, "en", toml::Table::new());
    assert_eq!(mentions_of(&on, &acronyms), []);
    let on_names = mentions_of(&on, &names);
    assert_eq!(on_names.len(), off_names.len(), "{on_names:?}");
    assert!(on_names.iter().all(|(_, l)| *l == Misc), "{on_names:?}");
    let others = |d: &Document| {
        mentions(d)
            .into_iter()
            .filter(|(t, _, _)| !acronyms.contains(&t.as_str()) && !names.contains(&t.as_str()))
            .collect::<Vec<_>>()
    };
    assert_eq!(others(&on), others(&off));
}

#[test]
fn an_ambiguous_name_is_software_only_on_a_programming_page() {
    // Java is an island to the model here, and no programming word says otherwise.
    let island = "She flew to Java last summer and visited the temples.";
    let doc = run(island, "en", toml::Table::new());
    assert_eq!(
        mentions_of(&doc, &["Java"]),
        [("Java".into(), EntityLabel::Loc)]
    );
    // The same sentence after two sentences on code: Java is the language.
    let code = format!("Our API returns JSON. The client is written in Python. {island}");
    let on = run(&code, "en", toml::Table::new());
    let off = run(&code, "en", tech_term_options(false));
    assert_eq!(
        mentions_of(&off, &["Java"]),
        [("Java".into(), EntityLabel::Loc)]
    );
    assert_eq!(
        mentions_of(&on, &["Java"]),
        [("Java".into(), EntityLabel::Misc)]
    );
}

#[test]
fn technical_terms_are_left_alone_in_other_languages() {
    // Only the English model's mentions are checked: a user list's API stays in English too.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("actors.tsv"), "API\tORG\n").unwrap();
    let doc = run("The API is down.", "en", user_list_options(dir.path()));
    assert_eq!(
        mentions(&doc),
        [("API".into(), EntityLabel::Org, EntityOrigin::List)]
    );
    let doc = run(
        "Nous utilisons une API publique.",
        "fr",
        user_list_options(dir.path()),
    );
    assert_eq!(
        mentions(&doc),
        [("API".into(), EntityLabel::Org, EntityOrigin::List)]
    );
}

#[test]
fn code_calls_and_attributes_are_not_names() {
    // Go and Python code on a programming page: the English model reads Errorf and Println as
    // people; called with code arguments, or reached as an attribute, they are code.
    let text = "The handler returns an error. It wraps the cause with fmt.Errorf(\"read: %w\", err) \
                and prints it with fmt.Println(\"done\", n). The form declares \
                name = models.CharField(max_length=80) for the title.";
    let names = ["Errorf", "Println", "CharField"];
    let code = |doc: &Document| {
        mentions(doc)
            .into_iter()
            .filter(|(t, _, _)| names.contains(&t.as_str()))
            .count()
    };
    let before = run(text, "en", case_check_options(false));
    assert!(code(&before) >= 2, "{:?}", before.entities);
    let after = run(text, "en", toml::Table::new());
    assert_eq!(code(&after), 0, "{:?}", after.entities);
}

#[test]
fn a_mention_holds_a_letter_or_a_digit() {
    // The English model tags symbols in a run of them as people; such mentions name nothing.
    // A lone `@` before a user name the model tagged stays (the Broad Twitter Corpus tags it
    // so).
    let text = "RT @ % { @ lol";
    let doc = run(text, "en", toml::Table::new());
    for e in &doc.entities {
        let span = &doc.text[e.byte_start..e.byte_end];
        assert!(
            span == "@" || span.chars().any(char::is_alphanumeric),
            "{:?}",
            doc.entities
        );
    }
    // The @ of "an @ sign" is followed by no mention: it goes (the model tagged it ORG).
    let sign = run(
        "Write the module path with an @ sign followed by the version .",
        "en",
        toml::Table::new(),
    );
    assert!(
        !sign
            .entities
            .iter()
            .any(|e| sign.slice(e.byte_start, e.byte_end) == "@"),
        "{:?}",
        sign.entities
    );
    // A table of a WCXB dev page: the model tags the superscript ⁰ (numeric to Unicode, but no
    // decimal digit) as a person; the languages' names may stay.
    let table = "🇮🇱 Heb ⁰\t0.65\t9.52\t13.7×\t🇸🇦 Ara ⁰\t1.17\t9.85\t9.8×\n\
                 🇮🇷 Per ⁰\t0.41\t11.83\t43.1×\t🇨🇳 Chi ⁰\t0.43\t20.07\t103.0×\n\
                 🇧🇩 Ben ⁰\t0.72\t11.03\t25.9×\t🇮🇳 Tam ⁰\t1.09";
    let doc = run(table, "en", toml::Table::new());
    assert!(
        doc.entities.iter().all(|e| doc
            .slice(e.byte_start, e.byte_end)
            .chars()
            .any(char::is_alphabetic)),
        "{:?}",
        doc.entities
    );
}

/// Options with `latin_runs` on or off.
fn latin_run_options(on: bool) -> toml::Table {
    flag_options("latin_runs", on)
}

#[test]
fn latin_runs_in_arabic_text_are_tagged_by_the_english_model() {
    // The Arabic model leaves the Latin names of this sentence untagged; the English model,
    // given the runs, finds the bought company. The Arabic mention راديو Sputnik reaches across a
    // run's edge and is kept as it is.
    let text = "وقال راديو Sputnik إن الجيش استخدم نظام GPS في دمشق. \
                وكتب موقع Middle East Eye أن شركة Microsoft اشترت Oracle Corporation.";
    let off = run(text, "ar", toml::Table::new());
    let on = run(text, "ar", latin_run_options(true));
    assert_eq!(mentions_of(&off, &["Oracle Corporation"]), []);
    assert_eq!(
        mentions_of(&on, &["Oracle Corporation"]),
        [("Oracle Corporation".into(), EntityLabel::Org)]
    );
    let arabic = |d: &Document| {
        mentions(d)
            .into_iter()
            .filter(|(t, _, _)| !t.is_ascii())
            .collect::<Vec<_>>()
    };
    assert_eq!(arabic(&on), arabic(&off));
    assert!(
        arabic(&on).iter().any(|(t, _, _)| t == "راديو Sputnik"),
        "{:?}",
        mentions(&on)
    );
    // Off by default: the same mentions as with the option set to false.
    assert_eq!(
        mentions(&off),
        mentions(&run(text, "ar", latin_run_options(false)))
    );
}

#[test]
fn a_news_outlets_transliterated_tail_ends_its_name() {
    // The shipped model tags نيوز alone as a place here (arabic-dev has this sentence's
    // outlet); the name is the outlet's two words.
    let text = "ونقل موقع المدينة نيوز عن مصدر أن الوفيات ارتفعت.";
    let on = run(text, "ar", toml::Table::new());
    assert_eq!(
        mentions(&on)
            .into_iter()
            .map(|(t, l, _)| (t, l))
            .collect::<Vec<_>>(),
        [("المدينة نيوز".to_string(), EntityLabel::Org)]
    );
    let off = run(
        text,
        "ar",
        org_pattern_options(&["head-name-nisba", "media-relabel"]),
    );
    assert!(
        mentions(&off).iter().all(|(t, _, _)| t != "المدينة نيوز"),
        "{:?}",
        mentions(&off)
    );
}

#[test]
fn days_of_the_week_are_not_names() {
    // Mail headers quoted on a web page: the English model reads the day abbreviations of the
    // dates as people.
    let text = "The port was merged in February.\n\nDate: Fri, 1 Feb 2002 11:53:40 -0500 (EST)\n\
                From: Matt Taggart\n\nDate: Thu, 7 Feb 2002 11:09:01 -0500 (EST)\n\
                From: Matt Taggart";
    let days = ["Fri", "Thu"];
    let before = run(text, "en", case_check_options(false));
    assert!(
        !mentions_of(&before, &days).is_empty(),
        "{:?}",
        before.entities
    );
    let after = run(text, "en", toml::Table::new());
    assert_eq!(mentions_of(&after, &days), [], "{:?}", after.entities);
    assert!(
        mentions(&after).iter().any(|(t, _, _)| t == "Matt Taggart"),
        "{:?}",
        after.entities
    );
}

#[test]
fn a_possessive_is_left_out_of_a_name_the_page_also_writes_alone() {
    // Google appears alone too: Google’s and Google's become Google. McDonald’s never does:
    // the possessive is part of that name.
    let text = "Google’s new phone is out. Google said Google's store opens today. \
                We ate at McDonald’s after that.";
    let doc = run(text, "en", toml::Table::new());
    let texts: Vec<String> = mentions(&doc).into_iter().map(|(t, _, _)| t).collect();
    assert_eq!(texts, ["Google", "Google", "Google", "McDonald’s"]);
    // The spans equal their text, and the possessive's token keeps its tag.
    for e in &doc.entities {
        let span: String = doc
            .text
            .chars()
            .skip(e.start)
            .take(e.end - e.start)
            .collect();
        assert_eq!(span, doc.slice(e.byte_start, e.byte_end));
    }
    let google = doc
        .tokens
        .iter()
        .find(|t| doc.token_surface(t) == "Google’s");
    assert!(google.is_some_and(|t| t.ner != BioTag::O));
}

#[test]
fn contractions_of_pronouns_are_not_names() {
    // Sentences from WCXB dev pages: the model tags Let’s and There’s at a sentence's start.
    let text = "Making insights more accessible, secure, and actionable.\n\nLet’s explore the key \
                trends shaping the future of SaaS data analytics.\n\nYour options are many. \
                There’s also a bakery component that serves decadent fresh-baked bites.";
    let words = ["Let’s", "There’s", "Let", "There"];
    let before = run(text, "en", case_check_options(false));
    assert!(
        !mentions_of(&before, &words).is_empty(),
        "{:?}",
        before.entities
    );
    let after = run(text, "en", toml::Table::new());
    assert_eq!(mentions_of(&after, &words), [], "{:?}", after.entities);
}

#[test]
fn borrowed_common_nouns_are_not_names() {
    // The shipped Arabic model tags the ميديا of السوشيال ميديا ("social media") and الميديا
    // as places; a mention made only of such borrowed nouns is dropped.
    let text = "وانتشر الفيديو على السوشيال ميديا بشكل واسع. وتحدث خبراء الميديا عن الأخبار في مصر.";
    let doc = run(text, "ar", toml::Table::new());
    let texts: Vec<String> = mentions(&doc).into_iter().map(|(t, _, _)| t).collect();
    assert!(!texts.iter().any(|t| t.contains("ميديا")), "{texts:?}");
    assert!(texts.contains(&"مصر".to_string()), "{texts:?}");
    // الكريديت كارد ("credit card"), tagged MISC on an arabic-dev page.
    let card = run(
        "ويمكن الدفع عن طريق الكريديت كارد أو الكاش في محطات القاهرة .",
        "ar",
        toml::Table::new(),
    );
    let texts: Vec<String> = mentions(&card).into_iter().map(|(t, _, _)| t).collect();
    assert!(!texts.iter().any(|t| t.contains("كارد")), "{texts:?}");
    assert!(texts.contains(&"القاهرة".to_string()), "{texts:?}");
}

#[test]
fn a_competition_and_the_place_in_its_name_are_one_misc_name() {
    let options = |on: bool| flag_options("competitions", on);
    // The model tags the continent inside دوري أبطال أوروبا; the competition's head and
    // qualifier make the whole name one MISC mention, and the proclitic of لكأس stays outside.
    let text = "فاز الفريق بلقب دوري أبطال أوروبا بعد أن خسر نهائي كأس العالم للأندية . \
                وتأهل المنتخب لكأس العالم .";
    let on = mentions(&run(text, "ar", options(true)));
    for name in ["دوري أبطال أوروبا", "كأس العالم"] {
        assert!(
            on.contains(&(name.to_string(), EntityLabel::Misc, EntityOrigin::List)),
            "{name}: {on:?}"
        );
    }
    assert!(!on.iter().any(|(t, _, _)| t == "أوروبا"), "{on:?}");
    assert!(!on.iter().any(|(t, _, _)| t.starts_with('ل')), "{on:?}");
    let off = mentions(&run(text, "ar", options(false)));
    assert!(
        !off.iter()
            .any(|(t, _, _)| t.contains("أبطال") || t.contains("كأس")),
        "{off:?}"
    );
}

#[test]
fn latin_technical_terms_in_arabic_text() {
    let options = tech_term_options;
    // The Arabic model reads the Latin-script ChatGPT as a person; the technical-terms list
    // says it is software.
    let text = "وقال الخبير إن برنامج ChatGPT و نظام GPS يستخدمان على نطاق واسع في دمشق .";
    let label_of = |doc: &Document| {
        mentions(doc)
            .into_iter()
            .find(|(t, _, _)| t == "ChatGPT")
            .map(|(_, l, _)| l)
    };
    assert_eq!(
        label_of(&run(text, "ar", options(true))),
        Some(EntityLabel::Misc)
    );
    let off = label_of(&run(text, "ar", options(false)));
    assert!(
        off.is_some_and(|l| l != EntityLabel::Misc),
        "without the list the model's own label: {off:?}"
    );
}

#[test]
fn untagged_latin_software_and_company_names_in_arabic_text() {
    // "Solaris and SunOS ran on the servers, and Google later built its own": the Arabic model
    // leaves the Latin-script names untagged; the technical terms name them.
    let text = "وعمل نظام Solaris ثم SunOS على الخوادم ، ثم بنت Google خوادمها الخاصة .";
    let names = ["Solaris", "SunOS", "Google"];
    let on = mentions_of(&run(text, "ar", tech_term_options(true)), &names);
    assert_eq!(
        on,
        vec![
            ("Solaris".to_string(), EntityLabel::Misc),
            ("SunOS".to_string(), EntityLabel::Misc),
            ("Google".to_string(), EntityLabel::Org)
        ]
    );
    let off = mentions_of(&run(text, "ar", tech_term_options(false)), &names);
    assert!(
        off.iter().all(|(_, l)| *l != EntityLabel::Misc),
        "without the list: {off:?}"
    );
}

#[test]
fn a_software_name_takes_in_its_version_and_joined_names() {
    // "Solaris 9 came out, then the GNU / Linux system spread, and the Linux Foundation was
    // founded": versions and joined names are part of the software's name; a foundation is not.
    let text = "ظهرت نسخة Solaris 9 ثم انتشر نظام GNU / Linux وتأسست Linux Foundation لاحقا .";
    let found: Vec<(String, EntityLabel)> = mentions(&run(text, "ar", tech_term_options(true)))
        .into_iter()
        .filter(|(t, _, _)| t.is_ascii())
        .map(|(t, l, _)| (t, l))
        .collect();
    assert!(
        found.contains(&("Solaris 9".to_string(), EntityLabel::Misc)),
        "{found:?}"
    );
    assert!(
        found.contains(&("GNU / Linux".to_string(), EntityLabel::Misc)),
        "{found:?}"
    );
    assert!(
        found.iter().all(|(t, _)| t != "Linux Foundation"),
        "{found:?}"
    );
}

#[test]
fn a_dateline_agency_is_an_organisation() {
    // "Riyadh (SPA): the spokesman announced ... Amman (Petra): the minister said ...": the
    // acronyms are whole words and agencies, not a proclitic and a place.
    let text = "الرياض (واس) أعلن المتحدث باسم الوزارة أن التحقيق مستمر. \
                عمان (بترا) قال وزير الخارجية إن الأردن يدعم الحل السياسي.";
    let doc = run(text, "ar", toml::Table::new());
    let found = mentions_of(&doc, &["واس", "بترا", "اس", "ترا"]);
    assert_eq!(
        found,
        vec![
            ("واس".to_string(), EntityLabel::Org),
            ("بترا".to_string(), EntityLabel::Org)
        ]
    );
    let mut no_lists = toml::Table::new();
    no_lists.insert("builtin_lists".into(), toml::Value::Boolean(false));
    let without = mentions_of(&run(text, "ar", no_lists), &["واس", "بترا"]);
    assert!(
        without.iter().all(|(_, l)| *l != EntityLabel::Org),
        "{without:?}"
    );
}

#[test]
fn a_car_make_and_model_is_a_product() {
    // "The spokesman said the electric Chevrolet Bolt competes with Toyota in the market": the
    // model reads the make and model as a person's first and last name.
    let text = "وقال المتحدث إن سيارة شيفروليه بولت الكهربائية تنافس تويوتا في السوق .";
    let on = mentions_of(&run(text, "ar", toml::Table::new()), &["شيفروليه بولت"]);
    assert_eq!(on, [("شيفروليه بولت".to_string(), EntityLabel::Misc)]);
    let mut no_lists = toml::Table::new();
    no_lists.insert("builtin_lists".into(), toml::Value::Boolean(false));
    let off = mentions_of(&run(text, "ar", no_lists), &["شيفروليه بولت"]);
    assert_eq!(off, [("شيفروليه بولت".to_string(), EntityLabel::Per)]);
}

#[test]
fn software_and_company_names_in_arabic_script() {
    // "Linux and Android run on the phones of most users in Damascus": neither name is tagged
    // by the Arabic model as software; the Arabic spellings of the technical terms' software
    // names make both `MISC`, the conjunction of ولينكس left out.
    let text = "ويعمل نظام لينكس وأندرويد على هواتف معظم المستخدمين في دمشق .";
    let on = mentions_of(
        &run(text, "ar", tech_term_options(true)),
        &["لينكس", "أندرويد"],
    );
    assert_eq!(
        on,
        vec![
            ("لينكس".to_string(), EntityLabel::Misc),
            ("أندرويد".to_string(), EntityLabel::Misc)
        ]
    );
    let off = mentions_of(
        &run(text, "ar", tech_term_options(false)),
        &["لينكس", "أندرويد"],
    );
    assert!(
        off.iter().all(|(_, l)| *l != EntityLabel::Misc),
        "without the lists: {off:?}"
    );
    // "Huawei and Sony sold millions of phones in Europe": the model reads هواوي as a person and
    // leaves سوني (with its conjunction) untagged; both are companies.
    let text = "باعت هواوي وسوني ملايين الهواتف في أوروبا .";
    let on = mentions_of(
        &run(text, "ar", tech_term_options(true)),
        &["هواوي", "سوني"],
    );
    assert_eq!(
        on,
        vec![
            ("هواوي".to_string(), EntityLabel::Org),
            ("سوني".to_string(), EntityLabel::Org)
        ]
    );
    let off = mentions_of(
        &run(text, "ar", tech_term_options(false)),
        &["هواوي", "سوني"],
    );
    assert_eq!(off, vec![("هواوي".to_string(), EntityLabel::Per)]);
}

#[test]
fn a_name_and_its_latin_spelling_are_two_mentions() {
    // The Arabic model runs a name and its Latin spelling together (دونالد ترامب Donald Trump
    // as one person); the mention is cut where the script switches.
    let doc = run(
        "قال الرئيس دونالد ترامب Donald Trump إن بلاده ستنسحب .",
        "ar",
        toml::Table::new(),
    );
    let found = mentions_of(&doc, &["دونالد ترامب", "Donald Trump"]);
    assert_eq!(
        found,
        vec![
            ("دونالد ترامب".to_string(), EntityLabel::Per),
            ("Donald Trump".to_string(), EntityLabel::Per)
        ]
    );
    let bio: Vec<&str> = doc.tokens.iter().map(|t| t.ner.as_str()).collect();
    assert_eq!(bio[2..6], ["B-PER", "I-PER", "B-PER", "I-PER"]);
}

#[test]
fn a_name_after_a_title_and_a_nisba_is_a_person() {
    // "The German scientist Heisenberg succeeded in explaining the atom's spectrum": the model
    // has never seen the name; the title phrase العالم الألماني introduces it.
    let text = "نجح العالم الألماني هيزنبرج في تفسير طيف الذرة .";
    let on = mentions_of(
        &run(text, "ar", flag_options("titled_names", true)),
        &["هيزنبرج"],
    );
    assert_eq!(on, [("هيزنبرج".to_string(), EntityLabel::Per)]);
    let off = mentions_of(
        &run(text, "ar", flag_options("titled_names", false)),
        &["هيزنبرج"],
    );
    assert_eq!(off, []);
}

#[test]
fn a_persian_or_turkish_surname_ending_joins_the_name() {
    // Fakhrizadeh and Davutoğlu: Arabic writes the surname's ending as a word of its own, and
    // the model ends the name before it.
    let doc = run(
        "دفن محسن فخري زادة في طهران . وزار أحمد داود أوغلو دمشق .",
        "ar",
        toml::Table::new(),
    );
    let people: Vec<String> = mentions(&doc)
        .into_iter()
        .filter(|(_, l, _)| *l == EntityLabel::Per)
        .map(|(t, _, _)| t)
        .collect();
    assert!(people.contains(&"محسن فخري زادة".to_string()), "{people:?}");
    assert!(people.iter().all(|p| !p.ends_with("فخري")), "{people:?}");
}

#[test]
fn a_built_in_name_of_two_words_gives_its_label_to_the_same_span() {
    // The model reads هونغ كونغ after حكومة as a person's first and last name, and the European
    // Union as a place; the built-in lists (CLDR) know them as a place and an organisation.
    let ar = mentions(&run(
        "أعلنت حكومة هونغ كونغ عن إجراءات جديدة .",
        "ar",
        toml::Table::new(),
    ));
    assert!(
        ar.iter()
            .any(|(t, l, _)| t == "هونغ كونغ" && *l == EntityLabel::Loc),
        "{ar:?}"
    );
    let en = mentions(&run(
        "The European Union and the United Nations met in El Salvador .",
        "en",
        toml::Table::new(),
    ));
    assert!(
        en.iter()
            .any(|(t, l, _)| t == "European Union" && *l == EntityLabel::Org),
        "{en:?}"
    );
}

#[test]
fn camel_case_words_are_brands_or_code_not_people() {
    let case_check = case_check_options;
    // A brand written in camel case, which the model takes for a person; a surname's prefix
    // (MacKinnon) is no camel case.
    let text = "We hired movers through HireAHelper last year. \
                Later, Sarah MacKinnon posted a video about it.";
    let words = ["HireAHelper", "MacKinnon", "Sarah MacKinnon"];
    let on = mentions_of(&run(text, "en", case_check(true)), &words);
    let off = mentions_of(&run(text, "en", case_check(false)), &words);
    {
        let brand = "HireAHelper";
        let label = |found: &[(String, EntityLabel)]| {
            found.iter().find(|(t, _)| t == brand).map(|(_, l)| *l)
        };
        assert_eq!(label(&on), Some(EntityLabel::Org), "{on:?}");
        assert!(
            label(&off).is_some_and(|l| l != EntityLabel::Org),
            "{off:?}"
        );
    }
    assert!(
        on.iter()
            .any(|(t, l)| t.ends_with("MacKinnon") && *l == EntityLabel::Per),
        "{on:?}"
    );
    // On a page of code, a class name is an identifier.
    let code = "Define the model:\n\nclass User(BaseModel):\n    name: str\n\n\
                Then call validate(data, strict=True), json.loads(\"{}\") and print(user.name) to see\n\
                ValueError raised.\n\
                BaseModel checks every field.";
    let found = mentions(&run(code, "en", case_check(true)));
    assert!(
        !found
            .iter()
            .any(|(t, _, _)| t == "BaseModel" || t == "ValueError"),
        "{found:?}"
    );
    // So is a name in lower camel case (the model tags useState ORG on a React page).
    let react = "Import the hook with import { useState } from 'react'; and call useState(\"\").\n\
                 Then setCount(count, 1), console.log(\"done\") and render(<App />, root) update it.\n\
                 In React, useState returns a pair.";
    let off = mentions(&run(react, "en", case_check(false)));
    let on = mentions(&run(react, "en", case_check(true)));
    assert!(off.iter().any(|(t, _, _)| t == "useState"), "{off:?}");
    assert!(!on.iter().any(|(t, _, _)| t == "useState"), "{on:?}");
}
