//! scipy.signal (and the numpy pieces it stands on), ported operation by operation where the
//! rounding matters.

pub mod waveform;
