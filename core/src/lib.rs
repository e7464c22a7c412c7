//! tsunagari-core: the pure domain logic of tsunagari (つながり).
//!
//! Sans-IO: nothing here touches the network, storage or the clock. The app
//! (wasm) and the server (native) share every wire type defined here.

pub mod account;
pub mod amount;
pub mod calendar;
pub mod city;
pub mod contact;
pub mod csv;
pub mod directory;
pub mod events;
pub mod feed;
pub mod follows;
pub mod html;
pub mod i18n;
pub mod ical;
pub mod idb;
pub mod merge;
pub mod opendata;
pub mod proposal;
pub mod review;
pub mod romaji;
pub mod round;
pub mod routes;
pub mod search;
pub mod sort;
pub mod sync;
pub mod synthetic;
pub mod wareki;
pub mod width;

pub use amount::{Amount, AmountError, read_yen};
pub use calendar::{Date, DateError, Time, WeekStart, Weekday, YearMonth, YearStyle};
pub use directory::{
    CityContact, DirectorySeed, DivisionId, Group, GroupId, GroupKind, ProgramEntry, Registration,
};
pub use events::{Event, EventCategory, EventDate, EventError, EventId, EventSeed};
pub use feed::{ApiErrorBody, Cursor, CursorError, FeedPage, bucket_of};
pub use search::{SearchIndex, Searchable, Suggestion, normalize};
