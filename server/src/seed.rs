//! Reading and checking a `DirectorySeed` file (`data/groups.json`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use tsunagari_core::DirectorySeed;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("could not read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a directory file ({{\"groups\": [...]}}): {source}", path.display())]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: {problem}", path.display())]
    Invalid { path: PathBuf, problem: String },
}

impl SeedError {
    /// The file does not exist (as opposed to being unreadable or wrong).
    pub fn is_missing(&self) -> bool {
        matches!(self, SeedError::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

/// A group id is 1–100 ASCII letters, digits, `-` or `_`: it appears in
/// URLs (`/groups/porepore`) and must never look like a file name.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Every id valid and used once.
pub fn check(seed: &DirectorySeed) -> Result<(), String> {
    let mut seen = HashSet::new();
    for group in &seed.groups {
        if !is_valid_id(&group.id) {
            return Err(format!(
                "the group id {:?} is not 1-100 ASCII letters, digits, '-' or '_'",
                group.id
            ));
        }
        if !seen.insert(group.id.as_str()) {
            return Err(format!(
                "the group id {:?} appears more than once",
                group.id
            ));
        }
    }
    Ok(())
}

pub fn load(path: &Path) -> Result<DirectorySeed, SeedError> {
    let text = std::fs::read_to_string(path).map_err(|source| SeedError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let seed: DirectorySeed = serde_json::from_str(&text).map_err(|source| SeedError::Parse {
        path: path.to_path_buf(),
        source,
    })?;
    check(&seed).map_err(|problem| SeedError::Invalid {
        path: path.to_path_buf(),
        problem,
    })?;
    Ok(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_valid_id("porepore"));
        assert!(is_valid_id("kanazawa-npo_2"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("a.js"));
        assert!(!is_valid_id("a/b"));
        assert!(!is_valid_id("ポレポレ"));
        assert!(!is_valid_id(&"a".repeat(101)));
    }
}
