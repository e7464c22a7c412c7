//! One route, one file.

pub mod bench;
pub mod group;
pub mod groups;
pub mod not_found;
