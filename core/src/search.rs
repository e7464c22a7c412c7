//! Japanese search: normalisation and ranking. (Being written.)
