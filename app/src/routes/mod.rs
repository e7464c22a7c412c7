//! One route, one file.

pub mod agenda;
pub mod bench;
pub mod bench_calendar;
pub mod calendar;
pub mod event;
pub mod group;
pub mod groups;
pub mod not_found;
