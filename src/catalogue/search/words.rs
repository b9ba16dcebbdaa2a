//! The search text as the word and part-number indexes read it, on either engine: its words
//! (runs of letters and digits, lower case), its part-number key, and the rule for "every word
//! is in the name". How the words become an index query is the engine's (`sqlite.rs`: an FTS5
//! expression; `postgres.rs`: a `tsquery`).

use crate::catalogue::normalize_part_number;

/// Most words of a search that are used.
const MAX_WORDS: usize = 12;

/// The search text as the indexes read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchWords {
    /// Lower-case words (letters and digits), in order, at most [`MAX_WORDS`].
    pub words: Vec<String>,
    /// The text read as a part number: lower case, no separators (two characters or more).
    pub key: Option<String>,
    /// The text has letters (else it is digits and separators: a part number as printed).
    pub has_letters: bool,
    /// Words match whole words only: set when the search is broad (see
    /// `search::word_matches`).
    pub whole_words: bool,
}

impl SearchWords {
    /// `None` for a text with neither words nor a part number: it matches nothing.
    pub fn new(q: &str) -> Option<Self> {
        let words: Vec<String> = words_of(q).take(MAX_WORDS).collect();
        let key = Some(normalize_part_number(q)).filter(|k| k.chars().count() >= 2);
        (!words.is_empty() || key.is_some()).then_some(Self {
            words,
            key,
            has_letters: q.chars().any(char::is_alphabetic),
            whole_words: false,
        })
    }

    /// Whether every word is in `name` (the best matches after part numbers): starts a word
    /// of it, or is one with [`Self::whole_words`].
    pub fn all_in(&self, name: &str) -> bool {
        let name_words: Vec<String> = words_of(name).collect();
        !self.words.is_empty()
            && self.words.iter().all(|w| {
                name_words.iter().any(|n| {
                    if self.whole_words {
                        n == w
                    } else {
                        n.starts_with(w.as_str())
                    }
                })
            })
    }
}

/// The words of a text as the word index splits them: runs of letters and digits, lower case.
pub fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}
