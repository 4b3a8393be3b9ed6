//! Publication dates: ISO 8601 strings, and dates written out with month names in English,
//! Arabic (Egyptian/Gulf, Levantine and Maghrebi month names), Persian (Gregorian and Solar
//! Hijri months) and Urdu, with Western, Arabic-Indic or Persian digits.
//!
//! Results are microseconds since the Unix epoch, UTC. A date without a time is taken as
//! midnight UTC; a time with an offset is converted to UTC.

pub use crate::timefmt::days_from_civil;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The Gregorian (year, month, day) of a day count from 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Microseconds since the epoch of a valid date and time, or `None`.
pub fn to_micros(
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    offset_minutes: i64,
) -> Option<i64> {
    // A leap second (60) counts as 59; the calendar checks are `timefmt`'s.
    if !(1000..=2200).contains(&year) || second > 60 {
        return None;
    }
    let utc = crate::timefmt::utc_micros(year, month, day, hour, minute, second.min(59))?;
    Some(utc - offset_minutes * 60 * 1_000_000)
}

/// Solar Hijri leap years by the 33-year cycle (exact for the modern era).
fn jalali_leap(year: i64) -> bool {
    (year * 8 + 29).rem_euclid(33) < 8
}

/// Converts a Solar Hijri date to Gregorian. Anchor: 1 Farvardin 1399 was 20 March 2020.
pub fn jalali_to_gregorian(year: i64, month: u32, day: u32) -> Option<(i64, u32, u32)> {
    if !(1300..=1500).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let month_len = if month <= 6 {
        31
    } else if month <= 11 || jalali_leap(year) {
        30
    } else {
        29
    };
    if day > month_len {
        return None;
    }
    let mut days = days_from_civil(2020, 3, 20);
    if year >= 1399 {
        for y in 1399..year {
            days += 365 + i64::from(jalali_leap(y));
        }
    } else {
        for y in year..1399 {
            days -= 365 + i64::from(jalali_leap(y));
        }
    }
    let m = i64::from(month) - 1;
    days += if m <= 6 {
        m * 31
    } else {
        6 * 31 + (m - 6) * 30
    };
    days += i64::from(day) - 1;
    Some(civil_from_days(days))
}

/// Replaces Arabic-Indic and Persian digits with ASCII digits.
pub fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            _ => c,
        })
        .collect()
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses an ISO 8601 date or date-time (`2020-06-03`, `2020-06-03T03:01+0400`,
/// `2020-12-01 02:00:00`, `2020/06/03`, fractional seconds and `Z` accepted).
pub fn parse_iso(s: &str) -> Option<i64> {
    let s = ascii_digits(s.trim());
    let b = s.as_bytes();
    if b.len() < 10 {
        return None;
    }
    let sep = b[4];
    if !(sep == b'-' || sep == b'/' || sep == b'.') || b[7] != sep {
        return None;
    }
    let year = num(s.get(0..4)?)? as i64;
    let month = num(s.get(5..7)?)?;
    let day = num(s.get(8..10)?)?;
    let rest = s.get(10..)?;
    let (mut hour, mut minute, mut second, mut offset) = (0, 0, 0, 0i64);
    let rest = rest.strip_prefix(['T', ' ']).unwrap_or(rest);
    if rest.len() >= 5 && rest.as_bytes()[2] == b':' {
        hour = num(rest.get(0..2)?)?;
        minute = num(rest.get(3..5)?)?;
        let mut tail = &rest[5..];
        if tail.len() >= 3 && tail.as_bytes()[0] == b':' {
            second = num(tail.get(1..3)?)?;
            tail = &tail[3..];
        }
        if let Some(t) = tail.strip_prefix('.') {
            let n = t.bytes().take_while(u8::is_ascii_digit).count();
            tail = &t[n..];
        }
        let tail = tail.trim();
        if let Some(sign) = tail.chars().next().filter(|c| *c == '+' || *c == '-') {
            let digits: String = tail[1..].chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 4 {
                let h: i64 = digits[0..2].parse().ok()?;
                let m: i64 = digits[2..4].parse().ok()?;
                offset = h * 60 + m;
            } else if digits.len() == 2 {
                offset = digits.parse::<i64>().ok()? * 60;
            }
            if sign == '-' {
                offset = -offset;
            }
        }
    }
    if (1300..=1500).contains(&year) {
        let (y, m, d) = jalali_to_gregorian(year, month, day)?;
        return to_micros(y, m, d, hour, minute, second, 0);
    }
    to_micros(year, month, day, hour, minute, second, offset)
}

/// Month names: (name, month number, Solar Hijri calendar).
const MONTHS: &[(&str, u32, bool)] = &[
    // English
    ("january", 1, false),
    ("february", 2, false),
    ("march", 3, false),
    ("april", 4, false),
    ("may", 5, false),
    ("june", 6, false),
    ("july", 7, false),
    ("august", 8, false),
    ("september", 9, false),
    ("october", 10, false),
    ("november", 11, false),
    ("december", 12, false),
    ("jan", 1, false),
    ("feb", 2, false),
    ("mar", 3, false),
    ("apr", 4, false),
    ("jun", 6, false),
    ("jul", 7, false),
    ("aug", 8, false),
    ("sep", 9, false),
    ("sept", 9, false),
    ("oct", 10, false),
    ("nov", 11, false),
    ("dec", 12, false),
    // Arabic (Egypt, Gulf)
    ("يناير", 1, false),
    ("فبراير", 2, false),
    ("مارس", 3, false),
    ("أبريل", 4, false),
    ("ابريل", 4, false),
    ("إبريل", 4, false),
    ("مايو", 5, false),
    ("يونيو", 6, false),
    ("يونيه", 6, false),
    ("يوليو", 7, false),
    ("يوليه", 7, false),
    ("أغسطس", 8, false),
    ("اغسطس", 8, false),
    ("سبتمبر", 9, false),
    ("أكتوبر", 10, false),
    ("اكتوبر", 10, false),
    ("نوفمبر", 11, false),
    ("ديسمبر", 12, false),
    // Arabic (Levant, Iraq)
    ("كانون الثاني", 1, false),
    ("شباط", 2, false),
    ("آذار", 3, false),
    ("اذار", 3, false),
    ("نيسان", 4, false),
    ("أيار", 5, false),
    ("ايار", 5, false),
    ("حزيران", 6, false),
    ("تموز", 7, false),
    ("آب", 8, false),
    ("اب", 8, false),
    ("أيلول", 9, false),
    ("ايلول", 9, false),
    ("تشرين الأول", 10, false),
    ("تشرين الاول", 10, false),
    ("تشرين الثاني", 11, false),
    ("كانون الأول", 12, false),
    ("كانون الاول", 12, false),
    // Arabic (Maghreb)
    ("جانفي", 1, false),
    ("فيفري", 2, false),
    ("أفريل", 4, false),
    ("افريل", 4, false),
    ("ماي", 5, false),
    ("جوان", 6, false),
    ("جويلية", 7, false),
    ("أوت", 8, false),
    ("اوت", 8, false),
    // Persian (Gregorian months)
    ("ژانویه", 1, false),
    ("فوریه", 2, false),
    ("آوریل", 4, false),
    ("مه", 5, false),
    ("ژوئن", 6, false),
    ("ژوئیه", 7, false),
    ("سپتامبر", 9, false),
    ("اکتبر", 10, false),
    ("نوامبر", 11, false),
    ("دسامبر", 12, false),
    // Persian (Solar Hijri months)
    ("فروردین", 1, true),
    ("اردیبهشت", 2, true),
    ("خرداد", 3, true),
    ("تیر", 4, true),
    ("مرداد", 5, true),
    ("شهریور", 6, true),
    ("مهر", 7, true),
    ("آبان", 8, true),
    ("آذر", 9, true),
    ("دی", 10, true),
    ("بهمن", 11, true),
    ("اسفند", 12, true),
    // Urdu
    ("جنوری", 1, false),
    ("فروری", 2, false),
    ("مارچ", 3, false),
    ("اپریل", 4, false),
    ("مئی", 5, false),
    ("جون", 6, false),
    ("جولائی", 7, false),
    ("اگست", 8, false),
    ("ستمبر", 9, false),
    ("اکتوبر", 10, false),
    ("نومبر", 11, false),
    ("دسمبر", 12, false),
];

/// Folds Arabic-script letter variants so that Persian and Arabic spellings meet
/// (Arabic yeh and kaf to their Persian forms).
fn fold(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'ي' | 'ى' => 'ی',
            'ك' => 'ک',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The month names folded as the words of a text are ([`fold`]), each with its month and
/// calendar (the first entry of [`MONTHS`] wins), and the first words of the two-word names.
struct MonthNames {
    names: HashMap<String, (u32, bool)>,
    first_words: HashSet<String>,
}

fn month_names() -> &'static MonthNames {
    static NAMES: OnceLock<MonthNames> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = HashMap::new();
        let mut first_words = HashSet::new();
        for &(name, month, jalali) in MONTHS {
            let folded = fold(name);
            if let Some((first, _)) = folded.split_once(' ') {
                first_words.insert(first.to_string());
            }
            names.entry(folded).or_insert((month, jalali));
        }
        MonthNames { names, first_words }
    })
}

fn month_of(words: &[String], i: usize) -> Option<(u32, bool, usize)> {
    let months = month_names();
    // Two-word names first (كانون الثاني).
    if i + 1 < words.len() && months.first_words.contains(&words[i]) {
        let two = format!("{} {}", words[i], words[i + 1]);
        if let Some(&(m, j)) = months.names.get(&two) {
            return Some((m, j, 2));
        }
    }
    months.names.get(&words[i]).map(|&(m, j)| (m, j, 1))
}

/// Finds the first date written with a month name in `text` ("4 مارس 2019",
/// "الجمعة 24 نيسان / أبريل 2020", "2 تير 1399", "March 4, 2019").
pub fn parse_text_date(text: &str) -> Option<i64> {
    // A date needs a year in digits; most text lines have none.
    let is_digit = |c: char| {
        c.is_ascii_digit()
            || ('\u{0660}'..='\u{0669}').contains(&c)
            || ('\u{06F0}'..='\u{06F9}').contains(&c)
    };
    if !text.chars().any(is_digit) {
        return None;
    }
    let text = ascii_digits(text);
    let words: Vec<String> = text
        .split(|c: char| !(crate::chars::is_alphanumeric(c) || c == '\u{200C}'))
        .filter(|w| !w.is_empty())
        .map(fold)
        .collect();
    let mut i = 0;
    while i < words.len() {
        let Some((month, jalali, len)) = month_of(&words, i) else {
            i += 1;
            continue;
        };
        // Day just before the month (or just after it: "March 4, 2019").
        let day_before = i
            .checked_sub(1)
            .and_then(|k| num(&words[k]))
            .filter(|d| (1..=31).contains(d));
        let mut k = i + len;
        // Skip a second month name of the same month ("نيسان / أبريل").
        if k < words.len()
            && let Some((m2, _, l2)) = month_of(&words, k)
            && m2 == month
        {
            k += l2;
        }
        let day_after = if day_before.is_none() {
            words
                .get(k)
                .and_then(|w| num(w))
                .filter(|d| (1..=31).contains(d))
        } else {
            None
        };
        if day_after.is_some() {
            k += 1;
        }
        let year = words.get(k).and_then(|w| num(w)).filter(|y| *y >= 1000);
        if let (Some(day), Some(year)) = (day_before.or(day_after), year) {
            let year = i64::from(year);
            let date = if jalali {
                jalali_to_gregorian(year, month, day)
            } else if (1900..=2200).contains(&year) {
                Some((year, month, day))
            } else {
                None
            };
            if let Some((y, m, d)) = date
                && let Some(t) = to_micros(y, m, d, 0, 0, 0, 0)
            {
                return Some(t);
            }
        }
        i += len;
    }
    None
}

/// Finds a date in a URL path (`/2020/06/03/`, `/2020-06-03-title`, `/20200603/`).
pub fn parse_url_date(url: &str) -> Option<i64> {
    let b = url.as_bytes();
    let digits_at = |i: usize, n: usize| -> Option<u32> {
        let s = url.get(i..i + n)?;
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    for i in 0..b.len() {
        if b[i] != b'/' {
            continue;
        }
        let Some(year) = digits_at(i + 1, 4) else {
            continue;
        };
        if !(1995..=2100).contains(&year) {
            continue;
        }
        let sep = b.get(i + 5).copied();
        if matches!(sep, Some(b'/') | Some(b'-') | Some(b'_')) {
            let Some(month) = digits_at(i + 6, 2) else {
                continue;
            };
            if b.get(i + 8).copied() == sep
                && let Some(day) = digits_at(i + 9, 2)
                && !b.get(i + 11).is_some_and(u8::is_ascii_digit)
                && let Some(t) = to_micros(i64::from(year), month, day, 0, 0, 0, 0)
            {
                return Some(t);
            }
        } else if let (Some(month), Some(day)) = (digits_at(i + 5, 2), digits_at(i + 7, 2))
            && matches!(b.get(i + 9).copied(), Some(b'/') | Some(b'-') | None)
            && let Some(t) = to_micros(i64::from(year), month, day, 0, 0, 0, 0)
        {
            return Some(t);
        }
    }
    None
}

/// A date as `YYYY-MM-DD` (UTC), for messages and tests.
pub fn format_day(micros: i64) -> String {
    let (y, m, d) = civil_from_days(micros.div_euclid(86_400_000_000));
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(t: Option<i64>) -> Option<String> {
        t.map(format_day)
    }

    #[test]
    fn civil_round_trip() {
        for d in [-800_000, -1, 0, 1, 18_000, 19_000, 60_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(days_from_civil(2020, 3, 1), 18_322);
    }

    #[test]
    fn iso_dates() {
        assert_eq!(
            day(parse_iso("2020-06-03T03:01+0400")),
            Some("2020-06-02".into())
        );
        assert_eq!(
            parse_iso("2020-06-03T03:01:00+04:00"),
            to_micros(2020, 6, 2, 23, 1, 0, 0)
        );
        assert_eq!(
            day(parse_iso("2020-12-01 02:00:00")),
            Some("2020-12-01".into())
        );
        assert_eq!(
            day(parse_iso("2026-01-08T11:42:50.123Z")),
            Some("2026-01-08".into())
        );
        assert_eq!(day(parse_iso("٢٠٢٠-٠٣-١٧")), Some("2020-03-17".into()));
        assert_eq!(parse_iso("2020-13-01"), None);
        assert_eq!(parse_iso("2021-02-29"), None);
        assert_eq!(parse_iso("yesterday"), None);
    }

    #[test]
    fn never_panics_on_multibyte_text() {
        let base = "2020-06-03T03:01:00+04:00";
        for i in 0..base.len() {
            for c in ['é', 'ع', '٣', '€', '😀'] {
                let mut s = base.to_string();
                s.insert(i, c);
                let _ = parse_iso(&s);
                let _ = parse_text_date(&s);
                let _ = parse_url_date(&s);
            }
        }
    }

    #[test]
    fn solar_hijri() {
        assert_eq!(jalali_to_gregorian(1399, 4, 2), Some((2020, 6, 22)));
        assert_eq!(jalali_to_gregorian(1399, 1, 1), Some((2020, 3, 20)));
        assert_eq!(jalali_to_gregorian(1403, 12, 30), Some((2025, 3, 20)));
        assert_eq!(jalali_to_gregorian(1404, 1, 1), Some((2025, 3, 21)));
        assert_eq!(jalali_to_gregorian(1398, 12, 29), Some((2020, 3, 19)));
        assert_eq!(
            day(parse_iso("۱۳۹۹/۰۲/۲۱ - ۱۸:۵۹")),
            Some("2020-05-10".into())
        );
    }

    #[test]
    fn text_dates() {
        assert_eq!(
            day(parse_text_date("4 مارس 2019")),
            Some("2019-03-04".into())
        );
        assert_eq!(
            day(parse_text_date(
                "تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً"
            )),
            Some("2020-04-24".into())
        );
        assert_eq!(
            day(parse_text_date("الأربعاء، ٠٧ أكتوبر ٢٠٢٠ - 12:09 م")),
            Some("2020-10-07".into())
        );
        assert_eq!(
            day(parse_text_date("15 كانون الثاني 2021")),
            Some("2021-01-15".into())
        );
        assert_eq!(
            day(parse_text_date("دوشنبه ۲ تير ۱۳۹۹")),
            Some("2020-06-22".into())
        );
        assert_eq!(
            day(parse_text_date("Posted on March 4, 2019 by")),
            Some("2019-03-04".into())
        );
        assert_eq!(
            day(parse_text_date("8 مارچ 2024")),
            Some("2024-03-08".into())
        );
        assert_eq!(parse_text_date("in May we met"), None);
    }

    #[test]
    fn url_dates() {
        assert_eq!(
            day(parse_url_date("https://x.com/2025/09/04/top-trends/")),
            Some("2025-09-04".into())
        );
        assert_eq!(
            day(parse_url_date("https://x.com/news/2020-06-03-title")),
            Some("2020-06-03".into())
        );
        assert_eq!(
            day(parse_url_date("https://x.com/a/20200603/b")),
            Some("2020-06-03".into())
        );
        assert_eq!(parse_url_date("https://x.com/products/12345678"), None);
    }
}
