//! 読み — the hiragana readings of the kanji words in groups and events,
//! computed when data is imported so that `こそだて` finds 子育て in the app
//! without a dictionary in the wasm.
//!
//! The analyser is [`vibrato`] (MeCab-compatible) over the IPADIC *sources*
//! Debian's `mecab-ipadic` package installs (EUC-JP CSVs and definitions
//! under [`IPADIC_DIR`]). Compiling them takes seconds and 300 MB (figures
//! in BENCHMARKS.md), so the compiled system dictionary (48 MB) is cached
//! on disk ([`cache_path`], keyed by a SHA-256 of the sources and the
//! vibrato version, written atomically) and loaded from there in about half
//! a second afterwards. The reviewed list of names the dictionary
//! reads wrong (`data/reading_overrides.tsv`, built into the binary) is the
//! user lexicon, so an entry tokenizes as one word with its reading.
//!
//! The format ([`Readings::reading_of`]): the reading of every token, kana
//! and Latin letters, digits and symbols kept as written, then NFKC and
//! katakana turned into hiragana; one line per source line, joined with
//! `\n`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest as _, Sha256};
use tsunagari_core::{Event, Group};
use unicode_normalization::UnicodeNormalization as _;
use vibrato::{Dictionary, SystemDictionaryBuilder, Tokenizer};

/// Where Debian's `mecab-ipadic` puts the IPADIC sources;
/// `TSUNAGARI_IPADIC_DIR` overrides it.
pub const IPADIC_DIR: &str = "/usr/share/mecab/dic/ipadic";
/// The vibrato release the cached dictionary was written by (pinned in
/// `server/Cargo.toml`): its binary format may change between releases.
pub const VIBRATO_VERSION: &str = "0.5.3";
/// The reviewed names the dictionary reads wrong: `surface<TAB>reading`.
pub const OVERRIDES: &str = include_str!("../../data/reading_overrides.tsv");

/// The IPADIC left/right id of 名詞,固有名詞,地域,一般 (`left-id.def`).
const PLACE_NAME_ID: u16 = 1293;
/// An override's word cost: below IPADIC's own entries, so `四十万きずな町会`
/// reads しじま (IPADIC has 四十万 as シジマ, but reads the numbers), yet
/// high enough that `四十万円` is still よんじゅうまんえん (tested).
const OVERRIDE_COST: i16 = 0;
/// Text is analysed in pieces of at most this many characters (a lattice
/// grows with its sentence; a piece ends early at `。！？`).
const MAX_PIECE_CHARS: usize = 400;

#[derive(Debug, thiserror::Error)]
pub enum ReadingsError {
    #[error(
        "the IPADIC dictionary sources are missing in {} (install Debian's mecab-ipadic: `cargo xtask install`, or apt-get install mecab-ipadic): {source}",
        dir.display()
    )]
    Sources {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("the IPADIC sources in {} could not be compiled: {source}", dir.display())]
    Build {
        dir: PathBuf,
        source: vibrato::errors::VibratoError,
    },
    #[error("the reading overrides are not valid: {0}")]
    Overrides(String),
    #[error("could not write the dictionary cache {}: {source}", path.display())]
    Cache {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The analyser: a tokenizer over IPADIC with the overrides. Build it once
/// per process ([`Readings::shared`]); it is `Sync`, and each call takes a
/// worker of its own.
pub struct Readings {
    tokenizer: Tokenizer,
}

/// One reviewed entry of `data/reading_overrides.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub surface: String,
    /// In hiragana.
    pub reading: String,
}

/// The entries of an overrides file: `surface<TAB>reading` lines, `#`
/// comments and blank lines ignored; the reading in hiragana.
pub fn parse_overrides(text: &str) -> Result<Vec<Override>, String> {
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (surface, reading) = line
            .split_once('\t')
            .ok_or_else(|| format!("line {}: no TAB between name and reading", i + 1))?;
        let ok = |s: &str| !s.is_empty() && !s.contains([',', '"', '\t']);
        if !ok(surface) || !ok(reading) {
            return Err(format!(
                "line {}: an empty field, or a comma, quote or second TAB",
                i + 1
            ));
        }
        if !reading.chars().all(|c| matches!(c, 'ぁ'..='ゖ' | 'ー')) {
            return Err(format!("line {}: the reading is not hiragana", i + 1));
        }
        entries.push(Override {
            surface: surface.to_string(),
            reading: reading.to_string(),
        });
    }
    Ok(entries)
}

/// The entries of `data/reading_overrides.tsv`.
pub fn builtin_overrides() -> Result<Vec<Override>, String> {
    parse_overrides(OVERRIDES)
}

/// The entries as a MeCab user lexicon: each a place name (名詞,固有名詞,地域).
fn user_lexicon(entries: &[Override], cost: i16) -> String {
    entries
        .iter()
        .map(|o| {
            let kana = to_katakana(&o.reading);
            format!(
                "{s},{PLACE_NAME_ID},{PLACE_NAME_ID},{cost},名詞,固有名詞,地域,一般,*,*,{s},{kana},{kana}\n",
                s = o.surface
            )
        })
        .collect()
}

static SHARED: OnceLock<Result<Readings, String>> = OnceLock::new();

impl Readings {
    /// The process's analyser, built (or loaded from the cache) on first
    /// use; blocking. A failure is remembered and returned as its sentence.
    pub fn shared() -> Result<&'static Readings, &'static str> {
        SHARED
            .get_or_init(|| {
                let start = std::time::Instant::now();
                let readings = builtin_overrides()
                    .map_err(ReadingsError::Overrides)
                    .and_then(|o| Readings::load(&ipadic_dir(), &o))
                    .map_err(|e| e.to_string());
                if readings.is_ok() {
                    tracing::info!("reading dictionary ready in {:.1?}", start.elapsed());
                }
                readings
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// The analyser over the IPADIC sources in `dir` (from the cache when
    /// it is warm), with `overrides` (the built-in ones: [`builtin_overrides`]).
    pub fn load(dir: &Path, overrides: &[Override]) -> Result<Readings, ReadingsError> {
        let dict = system_dictionary(dir)?;
        Readings::with_lexicon(dict, &user_lexicon(overrides, OVERRIDE_COST))
    }

    fn with_lexicon(dict: Dictionary, lexicon: &str) -> Result<Readings, ReadingsError> {
        let dict = if lexicon.is_empty() {
            dict
        } else {
            dict.reset_user_lexicon_from_reader(Some(lexicon.as_bytes()))
                .map_err(|e| ReadingsError::Overrides(e.to_string()))?
        };
        let tokenizer = Tokenizer::new(dict).max_grouping_len(24);
        Ok(Readings { tokenizer })
    }

    /// The reading of `text` (see the module's doc): each line of the
    /// text gives one line; empty lines are dropped.
    pub fn reading_of(&self, text: &str) -> String {
        let mut worker = self.tokenizer.new_worker();
        let mut raw = String::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if !raw.is_empty() {
                raw.push('\n');
            }
            for piece in pieces(line) {
                worker.reset_sentence(piece);
                worker.tokenize();
                for i in 0..worker.num_tokens() {
                    let token = worker.token(i);
                    raw.push_str(token_reading(token.surface(), token.feature()));
                }
            }
        }
        raw.nfkc().map(to_hiragana).collect()
    }

    /// The reading of a name or title, without spaces (as `core::opendata`
    /// reads イベント名_カナ): `None` when it has no kanji (it reads as
    /// written).
    pub fn name_reading(&self, name: &str) -> Option<String> {
        needs_reading(name).then(|| {
            self.reading_of(name)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        })
    }

    /// The readings of the lines of `fields` that have a kanji (see
    /// [`Readings::reading_of`]), each once, joined with `\n`. A line
    /// without kanji is left out: the text itself is searched.
    pub fn body_reading<'a>(&self, fields: impl IntoIterator<Item = &'a str>) -> String {
        let mut lines: Vec<String> = Vec::new();
        for field in fields {
            for line in field.lines().filter(|l| needs_reading(l)) {
                let reading = self.reading_of(line);
                if !reading.is_empty() && !lines.contains(&reading) {
                    lines.push(reading);
                }
            }
        }
        lines.join("\n")
    }

    /// Sets the group's name reading when it has none (or when the whole
    /// name is an override, whose reading wins) and its `body_reading`
    /// from the description and activities.
    pub fn fill_group(&self, group: &mut Group) {
        if let Some(o) = override_for(&group.name) {
            group.reading = Some(o);
        } else if group.reading.as_deref().is_none_or(|r| r.trim().is_empty()) {
            group.reading = self.name_reading(&group.name);
        }
        group.body_reading = self.body_reading(
            std::iter::once(group.description.as_str())
                .chain(group.activities.iter().map(String::as_str)),
        );
    }

    /// Sets the event's title reading when it has none, and its
    /// `body_reading` from the place, the organiser and the description.
    pub fn fill_event(&self, event: &mut Event) {
        if event.reading.as_deref().is_none_or(|r| r.trim().is_empty()) {
            event.reading = self.name_reading(&event.title);
        }
        event.body_reading = self
            .body_reading([&event.place, &event.organiser, &event.description].map(String::as_str));
    }
}

/// The reading of a name that is one override entry as a whole.
fn override_for(name: &str) -> Option<String> {
    static ENTRIES: OnceLock<Vec<Override>> = OnceLock::new();
    ENTRIES
        .get_or_init(|| parse_overrides(OVERRIDES).unwrap_or_default())
        .iter()
        .find(|o| o.surface == name.trim())
        .map(|o| o.reading.clone())
}

/// Fills the readings of `groups` with the shared analyser, on a blocking
/// thread. Without a dictionary the groups are left as they are (and a
/// warning says why): readings help search, they never block an import.
pub async fn fill_groups(groups: Vec<Group>) -> Vec<Group> {
    fill_with(groups, Readings::fill_group).await
}

/// [`fill_groups`] for events.
pub async fn fill_events(events: Vec<Event>) -> Vec<Event> {
    fill_with(events, Readings::fill_event).await
}

async fn fill_with<T: Send + Clone + 'static>(
    mut items: Vec<T>,
    fill: fn(&Readings, &mut T),
) -> Vec<T> {
    let kept = items.clone();
    let filled = tokio::task::spawn_blocking(move || match Readings::shared() {
        Ok(readings) => {
            for item in &mut items {
                fill(readings, item);
            }
            items
        }
        Err(e) => {
            warn_once(e);
            items
        }
    })
    .await;
    match filled {
        Ok(items) => items,
        Err(e) => {
            tracing::error!("computing readings failed: {e}; stored without readings");
            kept
        }
    }
}

fn warn_once(problem: &str) {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| tracing::warn!("no readings of kanji words: {problem}"));
}

/// Of `filled` (`before` after a fill, same order and length), the items
/// the fill changed: what a start-up fill writes back.
pub fn changed<T: PartialEq>(filled: Vec<T>, before: &[T]) -> Vec<T> {
    filled
        .into_iter()
        .zip(before)
        .filter(|(new, old)| new != *old)
        .map(|(new, _)| new)
        .collect()
}

/// Whether `text` has a kanji, so its reading says more than the text (the
/// app's search folds katakana into hiragana itself).
pub fn needs_reading(text: &str) -> bool {
    text.chars().any(is_kanji)
}

fn is_kanji(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}' | '々' | '〆' | 'ヶ')
}

fn is_katakana(c: char) -> bool {
    matches!(c, 'ァ'..='ヶ')
}

/// One token's reading: the dictionary's (feature 8, in katakana) when the
/// surface has a kanji and the word is known, else the surface.
fn token_reading<'a>(surface: &'a str, feature: &'a str) -> &'a str {
    if surface.chars().any(is_kanji) {
        feature
            .split(',')
            .nth(7)
            .filter(|r| *r != "*" && !r.is_empty())
            .unwrap_or(surface)
    } else {
        surface
    }
}

fn to_hiragana(c: char) -> char {
    if is_katakana(c) {
        char::from_u32(c as u32 - 0x60).unwrap_or(c)
    } else {
        c
    }
}

fn to_katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// `line` cut after each `。！？` and at most every [`MAX_PIECE_CHARS`].
fn pieces(line: &str) -> impl Iterator<Item = &str> {
    let mut rest = line;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = rest.len();
        for (n, (at, c)) in rest.char_indices().enumerate() {
            if n + 1 >= MAX_PIECE_CHARS || matches!(c, '。' | '！' | '？') {
                end = at + c.len_utf8();
                break;
            }
        }
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

fn ipadic_dir() -> PathBuf {
    std::env::var_os("TSUNAGARI_IPADIC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(IPADIC_DIR))
}

/// The IPADIC sources as read (EUC-JP): every `*.csv` (sorted by name),
/// `matrix.def`, `char.def`, `unk.def`; and their checksum.
struct Sources {
    lexicons: Vec<Vec<u8>>,
    matrix: Vec<u8>,
    chars: Vec<u8>,
    unknown: Vec<u8>,
    /// SHA-256 (first 12 bytes, hex) of the names and bytes of the files
    /// and [`VIBRATO_VERSION`].
    key: String,
}

impl Sources {
    fn read(dir: &Path) -> Result<Sources, ReadingsError> {
        let missing = |source| ReadingsError::Sources {
            dir: dir.to_path_buf(),
            source,
        };
        let mut csvs: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(missing)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        csvs.sort();
        if csvs.is_empty() {
            return Err(missing(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no *.csv lexicon files",
            )));
        }
        let mut hash = Sha256::new();
        hash.update(format!("vibrato {VIBRATO_VERSION}\n"));
        let mut read = |path: &Path| -> Result<Vec<u8>, ReadingsError> {
            let bytes = std::fs::read(path).map_err(missing)?;
            hash.update(
                path.file_name()
                    .map(|n| n.as_encoded_bytes())
                    .unwrap_or(b""),
            );
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(&bytes);
            Ok(bytes)
        };
        let lexicons = csvs.iter().map(|p| read(p)).collect::<Result<_, _>>()?;
        let matrix = read(&dir.join("matrix.def"))?;
        let chars = read(&dir.join("char.def"))?;
        let unknown = read(&dir.join("unk.def"))?;
        let key = hash
            .finalize()
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Sources {
            lexicons,
            matrix,
            chars,
            unknown,
            key,
        })
    }

    /// Decodes and compiles the sources.
    fn compile(&self) -> Result<Dictionary, vibrato::errors::VibratoError> {
        let decode = |bytes: &[u8]| encoding_rs::EUC_JP.decode(bytes).0.into_owned();
        let mut lexicon = String::new();
        for csv in &self.lexicons {
            lexicon.push_str(&decode(csv));
            if !lexicon.ends_with('\n') {
                lexicon.push('\n');
            }
        }
        SystemDictionaryBuilder::from_readers(
            lexicon.as_bytes(),
            decode(&self.matrix).as_bytes(),
            decode(&self.chars).as_bytes(),
            decode(&self.unknown).as_bytes(),
        )
    }
}

/// Where the compiled dictionary of sources with checksum `key` is kept:
/// `$XDG_CACHE_HOME/tsunagari/` or `~/.cache/tsunagari/` (the system's temp
/// directory when neither is known).
pub fn cache_path(key: &str) -> PathBuf {
    let dir = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    dir.join("tsunagari").join(format!("ipadic-{key}.dic"))
}

/// The compiled IPADIC system dictionary: from the cache when it has this
/// version of the sources, otherwise compiled and cached.
fn system_dictionary(dir: &Path) -> Result<Dictionary, ReadingsError> {
    let sources = Sources::read(dir)?;
    let path = cache_path(&sources.key);
    if let Ok(file) = std::fs::File::open(&path) {
        match Dictionary::read(std::io::BufReader::new(file)) {
            Ok(dict) => return Ok(dict),
            Err(e) => tracing::warn!(
                "the dictionary cache {} is unreadable ({e}): rebuilding",
                path.display()
            ),
        }
    }
    let start = std::time::Instant::now();
    let dict = sources.compile().map_err(|source| ReadingsError::Build {
        dir: dir.to_path_buf(),
        source,
    })?;
    tracing::info!("compiled the IPADIC sources in {:.1?}", start.elapsed());
    write_cache(&dict, &path)?;
    Ok(dict)
}

/// Writes to a temp file beside `path`, then renames it into place: a
/// process reading the cache never sees half a file.
fn write_cache(dict: &Dictionary, path: &Path) -> Result<(), ReadingsError> {
    let failed = |source| ReadingsError::Cache {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed)?;
    let mut nonce = [0u8; 6];
    getrandom::getrandom(&mut nonce).map_err(|e| failed(std::io::Error::other(e)))?;
    let nonce: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
    let tmp = dir.join(format!(".ipadic-{}-{nonce}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        dict.write(&mut file).map_err(std::io::Error::other)?;
        file.flush()?;
        file.get_ref().sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared analyser (with the overrides); the tests need Debian's
    /// mecab-ipadic (`cargo xtask install`).
    fn with() -> &'static Readings {
        Readings::shared().unwrap_or_else(|e| panic!("{e}"))
    }

    fn without() -> &'static Readings {
        static WITHOUT: OnceLock<Readings> = OnceLock::new();
        WITHOUT.get_or_init(|| Readings::load(&ipadic_dir(), &[]).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn every_override_is_needed_and_read_as_listed() {
        let entries = builtin_overrides().expect("the built-in overrides parse");
        assert!(!entries.is_empty());
        for o in &entries {
            assert_eq!(with().reading_of(&o.surface), o.reading, "{}", o.surface);
            assert_ne!(
                without().reading_of(&o.surface),
                o.reading,
                "{} reads {} without the override: drop the entry",
                o.surface,
                o.reading
            );
        }
    }

    #[test]
    fn overrides_in_context() {
        assert_eq!(
            with().reading_of("四十万きずな町会"),
            "しじまきずなちょうかい"
        );
        assert_eq!(with().reading_of("四十万町"), "しじままち");
        assert_eq!(with().reading_of("木倉町広場"), "きぐらまちひろば");
        assert_eq!(with().reading_of("主計町茶屋街"), "かずえまちちゃやがい");
        assert_eq!(with().reading_of("金石港"), "かないわこう");
        // An amount stays an amount, a word stays a word.
        assert_eq!(
            with().reading_of("予算は四十万円です"),
            "よさんはよんじゅうまんえんです"
        );
        assert_eq!(with().reading_of("金額"), "きんがく");
    }

    #[test]
    fn words_people_search_for() {
        for (text, reading) in [
            ("子育て支援", "こそだてしえん"),
            ("障害者アート", "しょうがいしゃあーと"),
            ("兼六園の四季", "けんろくえんのしき"),
            ("卯辰山", "うたつやま"),
            ("浅野川と犀川", "あさのがわとさいがわ"),
            ("湯涌温泉", "ゆわくおんせん"),
            ("香林坊", "こうりんぼう"),
            ("鞍月", "くらつき"),
        ] {
            assert_eq!(with().reading_of(text), reading, "{text}");
        }
    }

    #[test]
    fn format_keeps_kana_latin_digits_and_lines() {
        assert_eq!(
            with().reading_of("NPO法人 2025年度\nカフェで交流"),
            "NPOほうじん 2025ねんど\nかふぇでこうりゅう"
        );
        assert_eq!(
            with().name_reading("ＮＰＯ法人 ｶﾌｪ＝１").as_deref(),
            Some("NPOほうじんかふぇ=1")
        );
        assert_eq!(with().reading_of("\n\n金沢\r\n\n"), "かなざわ");
        assert_eq!(with().name_reading("シングルナビ"), None);
        assert_eq!(with().name_reading("Finding ゴミ"), None);
        assert_eq!(
            with().name_reading("金沢育ち組").as_deref(),
            Some("かなざわそだちぐみ")
        );
        // Only the lines with a kanji, each once.
        assert_eq!(
            with().body_reading(["ひらがなだけ", "子育て\nカタカナ\n子育て", "", "兼六園"]),
            "こそだて\nけんろくえん"
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        let long = "子育て支援と障害者の就労、".repeat(20_000);
        let odd = [
            "",
            " ",
            "\u{3000}",
            "😀🏯👨‍👩‍👧",
            "金沢😀子育て",
            "\u{1}\u{7}\u{1b}[31m金沢\u{7f}\u{85}\u{2028}",
            "\u{FEFF}\u{200B}\u{FFFD}",
            "𠮷野家",
            "ｶﾀｶﾅ ＡＢＣ １２３",
            "、。「」…",
            long.as_str(),
        ];
        for text in odd {
            let reading = with().reading_of(text);
            assert!(
                reading.chars().count() <= 4 * text.chars().count() + 1,
                "{text:?}"
            );
            let _ = with().name_reading(text);
            let _ = with().body_reading([text, text]);
        }
        let reading = with().reading_of(&long);
        assert!(reading.starts_with("こそだてしえんとしょうがいしゃのしゅうろう、"));
    }

    #[test]
    fn fills_groups_and_events() {
        let mut g: Group = serde_json::from_value(serde_json::json!({
            "id": "shijima", "name": "四十万きずな町会", "kind": "community",
            "description": "子育て世帯と高齢者の交流。", "activities": ["兼六園の清掃", "かるた"]
        }))
        .expect("group");
        with().fill_group(&mut g);
        assert_eq!(g.reading.as_deref(), Some("しじまきずなちょうかい"));
        assert_eq!(
            g.body_reading,
            "こそだてせたいとこうれいしゃのこうりゅう。\nけんろくえんのせいそう"
        );
        // A reading the data gives is kept.
        g.name = "金沢育ち組".into();
        g.reading = Some("かなざわそだちぐみ".into());
        with().fill_group(&mut g);
        assert_eq!(g.reading.as_deref(), Some("かなざわそだちぐみ"));
        // Except for a name the overrides list as a whole.
        g.name = "四十万".into();
        g.reading = Some("よんじゅうまん".into());
        with().fill_group(&mut g);
        assert_eq!(g.reading.as_deref(), Some("しじま"));

        let mut e: Event = serde_json::from_value(serde_json::json!({
            "id": "e", "title": "子育てサロン", "start": {"date": "2025-04-20"},
            "place": "木倉町広場", "organiser": "だれかの会", "description": "障害者も参加できます", "category": "other"
        }))
        .expect("event");
        with().fill_event(&mut e);
        assert_eq!(e.reading.as_deref(), Some("こそだてさろん"));
        assert_eq!(
            e.body_reading,
            "きぐらまちひろば\nだれかのかい\nしょうがいしゃもさんかできます"
        );
    }

    #[test]
    fn override_files() {
        assert_eq!(
            parse_overrides("# c\n\n額谷\tぬかだに\r\n").expect("valid"),
            vec![Override {
                surface: "額谷".into(),
                reading: "ぬかだに".into()
            }]
        );
        for bad in [
            "額谷 ぬかだに",
            "額谷\tヌカダニ",
            "額谷\t",
            "\tぬか",
            "額,谷\tぬかだに",
            "額谷\tぬか\tだに",
        ] {
            assert!(parse_overrides(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn pieces_cover_the_line() {
        let line = format!("{}。短い！{}", "あ".repeat(900), "い".repeat(10));
        let parts: Vec<&str> = pieces(&line).collect();
        assert_eq!(parts.concat(), line);
        assert!(parts.iter().all(|p| p.chars().count() <= MAX_PIECE_CHARS));
        assert_eq!(parts.len(), 5);
    }

    #[test]
    fn the_cache_is_reused() {
        let sources = Sources::read(&ipadic_dir()).expect("sources");
        let _ = with();
        assert!(cache_path(&sources.key).is_file());
    }
}
