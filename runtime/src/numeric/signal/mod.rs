//! scipy.signal (and the numpy pieces it stands on), ported operation by operation where the
//! rounding matters. No maintained Rust crate reproduces scipy.signal (its window definitions,
//! `firwin`, `filtfilt`'s odd padding and `lfilter_zi` start, `butter` → `zpk2sos` pole/zero
//! pairing, `sosfilt`, `savgol_filter`'s polynomial edge fits, `find_peaks`), so those are
//! ported here from scipy's source (complex division is numpy's Smith algorithm, sums are
//! numpy's pairwise sums, and so on). FFTs use `realfft`/`rustfft`.

pub mod fft;
pub mod fir;
pub mod iir;
pub mod peaks;
pub mod savgol;
pub mod waveform;
pub mod window;
