//! Language detection of extracted text: ISO 639-1 code plus a confidence in [0, 1].
//!
//! Two steps. First the dominant writing system, from letter counts. Scripts used by one main
//! language (Greek, Hebrew, Hangul, Thai...) decide the language outright. For the Arabic
//! script (Arabic, Persian, Urdu), Latin and Cyrillic, the language is then chosen by
//! language-specific letters and by counting very frequent function words of each candidate.
//! The function-word lists are short, written for this module from general knowledge of the
//! languages (the most common words of any grammar), and are not tuned on any evaluation data.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A language guess.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LangGuess {
    /// ISO 639-1 code, e.g. `ar`, `fa`, `ur`, `en`.
    pub code: &'static str,
    /// Confidence in [0, 1].
    pub score: f32,
}

/// Characters of text examined at most (the start of the text is enough).
const SAMPLE_CHARS: usize = 20_000;
/// Fewer letters than this and no guess is made.
const MIN_LETTERS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Script {
    Latin,
    Arabic,
    Cyrillic,
    Greek,
    Hebrew,
    Devanagari,
    Bengali,
    Tamil,
    Thai,
    Hangul,
    Kana,
    Han,
    Armenian,
    Georgian,
    Ethiopic,
}

impl Script {
    /// Every script, in declaration order (the index of each is its discriminant).
    const ALL: [Script; 15] = [
        Script::Latin,
        Script::Arabic,
        Script::Cyrillic,
        Script::Greek,
        Script::Hebrew,
        Script::Devanagari,
        Script::Bengali,
        Script::Tamil,
        Script::Thai,
        Script::Hangul,
        Script::Kana,
        Script::Han,
        Script::Armenian,
        Script::Georgian,
        Script::Ethiopic,
    ];
}

fn script_of(c: char) -> Option<Script> {
    let s = match c as u32 {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x400..=0x52F => Script::Cyrillic,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        0x590..=0x5FF => Script::Hebrew,
        0x900..=0x97F => Script::Devanagari,
        0x980..=0x9FF => Script::Bengali,
        0xB80..=0xBFF => Script::Tamil,
        0xE00..=0xE7F => Script::Thai,
        0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => Script::Hangul,
        0x3040..=0x30FF => Script::Kana,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF => Script::Han,
        0x530..=0x58F => Script::Armenian,
        0x10A0..=0x10FF => Script::Georgian,
        0x1200..=0x137F => Script::Ethiopic,
        _ => return None,
    };
    if s == Script::Arabic && !crate::chars::is_alphabetic(c) {
        return None;
    }
    Some(s)
}

/// Function words per language and script.
const ARABIC_SCRIPT_WORDS: &[(&str, &str)] = &[
    (
        "ar",
        "في من على إلى الى أن ان التي الذي عن مع هذا هذه كان قد لا ما هو هي لم كما بين بعد قبل \
         حيث ذلك تلك أو ثم إن وقال وأن وفي التى الذى عند منذ خلال حتى لكن كل أي ولا فى يكون",
    ),
    (
        "fa",
        "و در به از که این را با است برای آن می ها یک تا شده شد کرد خود بر نیز هم اما یا \
         بود باید شود کند های دارد پس همه وی ای نه کرده اند چه",
    ),
    (
        "ur",
        "کے میں کی ہے اور سے کو نے پر یہ ہیں کا تھا گیا بھی ایک کہ جو اس کر ہو رہے تھے \
         لیے وہ گئے جا ان نہیں کیا والے ساتھ",
    ),
];

const LATIN_WORDS: &[(&str, &str)] = &[
    (
        "en",
        "the of and to in is that for it with as was on are be by this at from have or an \
         not but which you they his her their has were been will would",
    ),
    (
        "fr",
        "le la les de des et est un une du en que qui dans pour pas sur au avec ce il elle \
         sont par plus aux ont cette leur nous vous mais été",
    ),
    (
        "de",
        "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als \
         auch es an wird aus er hat dass sie nach bei um noch wie",
    ),
    (
        "es",
        "el la de que y en los se del las un por con no una su para es al lo como más pero \
         sus le ya o este fue ha muy también entre",
    ),
    (
        "it",
        "il di che e la per un in non sono una del della le si con da al dei gli è anche \
         come alla più nel lo ha questo delle essere",
    ),
    (
        "pt",
        "de que e o da do em um para com não uma os no se na por mais as dos como mas ao ele \
         das à seu sua ou quando muito são também foi",
    ),
    (
        "nl",
        "de en van het een in is dat op te zijn met voor niet aan er die ook als bij door \
         maar om dan naar wordt heeft deze worden nog",
    ),
    (
        "sv",
        "och att det som en på är av för med till den har de inte om ett var jag men från \
         vi så kan eller sig när",
    ),
    (
        "tr",
        "ve bir bu da de için ile olarak çok daha olan gibi kadar sonra ancak ise her en \
         değil olduğu veya ama göre",
    ),
    (
        "id",
        "yang dan di ini dengan untuk dari dalam tidak akan pada juga ke karena ada oleh \
         itu atau bisa mereka sudah saat",
    ),
    (
        "pl",
        "i w nie na się z do to że jest o jak po co tak za od ale przez jego już są dla \
         lub oraz może",
    ),
];

const CYRILLIC_WORDS: &[(&str, &str)] = &[
    (
        "ru",
        "и в не на что с по как это он к из у за от то но все так его она был для же вы",
    ),
    (
        "uk",
        "і в не на що з по як це він до з у за від та але все так його вона був для й ви",
    ),
    (
        "bg",
        "и в не на че с по като това той за от се да но са от е ще беше към",
    ),
];

/// FNV-1a: the word tables are looked up once per word of every page, with short keys, where
/// std's SipHash cost more than the look-up itself; the keys are the crate's own word lists.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

type WordTable = HashMap<&'static str, Vec<usize>, std::hash::BuildHasherDefault<Fnv>>;

fn table(lists: &'static [(&'static str, &'static str)]) -> WordTable {
    let mut t: WordTable = HashMap::default();
    for (i, (_, words)) in lists.iter().enumerate() {
        for w in words.split_whitespace() {
            let e = t.entry(w).or_default();
            if !e.contains(&i) {
                e.push(i);
            }
        }
    }
    t
}

fn tables() -> &'static [WordTable; 3] {
    static T: OnceLock<[WordTable; 3]> = OnceLock::new();
    T.get_or_init(|| {
        [
            table(ARABIC_SCRIPT_WORDS),
            table(LATIN_WORDS),
            table(CYRILLIC_WORDS),
        ]
    })
}

/// Detects the language of `text`. Returns `None` when the text has too few letters or gives
/// no evidence for any language.
pub fn detect(text: &str) -> Option<LangGuess> {
    let sample: &str = match text.char_indices().nth(SAMPLE_CHARS) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    let mut counts = [0usize; Script::ALL.len()];
    let mut letters = 0usize;
    for c in sample.chars() {
        if let Some(s) = script_of(c) {
            counts[s as usize] += 1;
            letters += 1;
        }
    }
    if letters < MIN_LETTERS {
        return None;
    }
    let kana = counts[Script::Kana as usize];
    // The most frequent script; a tie goes to the one listed first in `Script`.
    let (script, n) = Script::ALL
        .iter()
        .map(|s| (*s, counts[*s as usize]))
        .rev()
        .max_by_key(|(_, n)| *n)?;
    let share = n as f32 / letters as f32;
    let fixed = |code: &'static str| Some(LangGuess { code, score: share });
    match script {
        Script::Greek => fixed("el"),
        Script::Hebrew => fixed("he"),
        Script::Devanagari => fixed("hi"),
        Script::Bengali => fixed("bn"),
        Script::Tamil => fixed("ta"),
        Script::Thai => fixed("th"),
        Script::Hangul => fixed("ko"),
        Script::Armenian => fixed("hy"),
        Script::Georgian => fixed("ka"),
        Script::Ethiopic => fixed("am"),
        Script::Kana => fixed("ja"),
        Script::Han => {
            if kana * 10 > n {
                Some(LangGuess {
                    code: "ja",
                    score: (n + kana) as f32 / letters as f32,
                })
            } else {
                fixed("zh")
            }
        }
        Script::Arabic => by_words(
            sample,
            script,
            ARABIC_SCRIPT_WORDS,
            &tables()[0],
            share,
            arabic_letter_votes(sample),
        ),
        Script::Latin => by_words(sample, script, LATIN_WORDS, &tables()[1], share, [0.0; 3]),
        Script::Cyrillic => {
            let uk = sample
                .chars()
                .filter(|c| matches!(c, 'і' | 'ї' | 'є' | 'ґ'))
                .count() as f32;
            by_words(
                sample,
                script,
                CYRILLIC_WORDS,
                &tables()[2],
                share,
                [0.0, uk * 0.5, 0.0],
            )
        }
    }
}

/// Extra votes for ar, fa, ur from letters that only one of them uses often.
fn arabic_letter_votes(sample: &str) -> [f32; 3] {
    let mut v = [0f32; 3];
    for c in sample.chars() {
        match c {
            // Arabic: teh marbuta, Arabic yeh and kaf, alef maksura.
            'ة' | 'ي' | 'ك' | 'ى' => v[0] += 0.05,
            // Urdu: retroflex letters, noon ghunna, yeh barree, heh goal, do-chashmi heh.
            'ٹ' | 'ڈ' | 'ڑ' | 'ں' | 'ے' | 'ہ' | 'ھ' => v[2] += 0.3,
            // Persian (and Urdu): Farsi yeh, keheh, peh, tcheh, jeh, gaf.
            'ی' | 'ک' | 'پ' | 'چ' | 'ژ' | 'گ' => v[1] += 0.05,
            _ => {}
        }
    }
    v
}

fn by_words(
    sample: &str,
    script: Script,
    lists: &'static [(&'static str, &'static str)],
    words: &WordTable,
    share: f32,
    extra: [f32; 3],
) -> Option<LangGuess> {
    let mut hits = vec![0f32; lists.len()];
    for (i, e) in extra.iter().enumerate().take(hits.len()) {
        hits[i] += e;
    }
    let mut buf = String::new();
    for w in sample
        .split(|c: char| !(crate::chars::is_alphanumeric(c) || crate::extract::text::is_mark(c)))
    {
        if w.is_empty() {
            continue;
        }
        let key: &str = if script == Script::Arabic {
            w
        } else {
            buf.clear();
            if w.is_ascii() {
                buf.push_str(w);
                buf.make_ascii_lowercase();
            } else {
                buf.extend(w.chars().flat_map(char::to_lowercase));
            }
            &buf
        };
        if let Some(ls) = words.get(key) {
            let weight = 1.0 / ls.len() as f32;
            for &i in ls {
                hits[i] += weight;
            }
        }
    }
    let mut order: Vec<usize> = (0..lists.len()).collect();
    order.sort_by(|a, b| hits[*b].total_cmp(&hits[*a]));
    let best = order[0];
    let second = hits[order[1]];
    if hits[best] < 1.0 {
        // No function word at all: for Arabic script, Arabic is by far the likeliest.
        return match script {
            Script::Arabic => Some(LangGuess {
                code: "ar",
                score: share * 0.5,
            }),
            _ => None,
        };
    }
    let margin = (hits[best] - second) / hits[best];
    let evidence = (hits[best] / 5.0).min(1.0);
    Some(LangGuess {
        code: lists[best].0,
        score: (share * (0.5 + 0.5 * margin) * (0.5 + 0.5 * evidence)).clamp(0.0, 1.0),
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn script_table_is_in_discriminant_order() {
        for (i, s) in Script::ALL.iter().enumerate() {
            assert_eq!(*s as usize, i);
        }
    }

    use super::*;

    fn code(s: &str) -> Option<&'static str> {
        detect(s).map(|g| g.code)
    }

    #[test]
    fn tells_arabic_persian_urdu_apart() {
        assert_eq!(
            code(
                "قال وزير الخارجية إن المحادثات التي جرت في العاصمة كانت مثمرة على الرغم من الخلافات"
            ),
            Some("ar")
        );
        assert_eq!(
            code(
                "وزیر امور خارجه گفت که مذاکرات در پایتخت با وجود اختلافات مثبت بوده است و ادامه خواهد یافت"
            ),
            Some("fa")
        );
        assert_eq!(
            code(
                "وزیر خارجہ نے کہا کہ دارالحکومت میں ہونے والے مذاکرات اختلافات کے باوجود مثبت رہے ہیں اور یہ جاری رہیں گے"
            ),
            Some("ur")
        );
    }

    #[test]
    fn tells_latin_languages_apart() {
        assert_eq!(
            code(
                "The minister said that the talks in the capital were useful and that they will go on."
            ),
            Some("en")
        );
        assert_eq!(
            code(
                "Le ministre a dit que les discussions dans la capitale sont utiles et qu'elles vont continuer."
            ),
            Some("fr")
        );
        assert_eq!(
            code(
                "Der Minister sagte, dass die Gespräche in der Hauptstadt nützlich waren und dass sie weitergehen."
            ),
            Some("de")
        );
        assert_eq!(
            code(
                "El ministro dijo que las conversaciones en la capital fueron útiles y que van a continuar."
            ),
            Some("es")
        );
    }

    #[test]
    fn other_scripts_and_empty_text() {
        assert_eq!(code("Η κυβέρνηση ανακοίνωσε νέα μέτρα σήμερα"), Some("el"));
        assert_eq!(code("政府は今日新しい措置を発表しました"), Some("ja"));
        assert_eq!(code("12 34 !!"), None);
        assert_eq!(code(""), None);
        let g = detect("the of and to in is that for it with as was on are be by this at").unwrap();
        assert!(g.score > 0.5 && g.score <= 1.0);
    }
}
