//! The server's clock, read in one place so the rules that depend on time
//! (sign-in rate limit, invitation expiry, `submitted_at`) take it as an
//! argument and can be tested at any moment.

use std::time::{SystemTime, UNIX_EPOCH};

use tsunagari_core::ical::DateTimeUtc;
use tsunagari_core::sync::ServerTime;

/// Milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Millis(pub i64);

impl Millis {
    /// Now; `None` when the clock is before 1970 or absurdly far ahead.
    pub fn now() -> Option<Millis> {
        let d = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
        i64::try_from(d.as_millis()).ok().map(Millis)
    }

    pub fn plus_seconds(self, seconds: i64) -> Millis {
        Millis(self.0.saturating_add(seconds.saturating_mul(1000)))
    }

    /// `2025-06-01T09:30:00Z` (to the second).
    pub fn rfc3339(self) -> Option<String> {
        let t = DateTimeUtc::from_unix_seconds(self.0.div_euclid(1000))?;
        Some(format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.date.year(),
            t.date.month(),
            t.date.day(),
            t.hour,
            t.minute,
            t.second
        ))
    }

    /// What [`tsunagari_core::sync::decide`] is given.
    pub fn server_time(self) -> Option<ServerTime> {
        Some(ServerTime {
            unix_ms: u64::try_from(self.0).ok()?,
            rfc3339: self.rfc3339()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        assert_eq!(
            Millis(1_748_770_200_999).rfc3339().as_deref(),
            Some("2025-06-01T09:30:00Z")
        );
        assert_eq!(Millis(0).rfc3339().as_deref(), Some("1970-01-01T00:00:00Z"));
    }
}
