//! The USBTMC transport and the SCPI session, against a scripted USB488 instrument (and a
//! scripted serial one): framing, bTag sequencing, multi-packet and multi-transfer messages,
//! short reads, TermChar, recovery from timeouts, protocol violations and unplugging, the
//! status byte, binary blocks up to a 10,000,000-point waveform, the error queue, and
//! resolving a VISA resource name to a granted device.
//!
//! Timeouts are deterministic: the tests' timer fires at once, so whatever the instrument
//! has not answered when first asked has timed out. Nothing sleeps.
#![allow(clippy::unwrap_used)]

#[path = "support/usbtmc_instrument.rs"]
mod instrument;

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use futures::executor::block_on;
use futures::future::LocalBoxFuture;
use instrument::{BULK_IN, BULK_OUT, Config, Fault, Instrument, Reply};
use runtime::devices::scpi::{
    self, ByteOrder, ConnectOptions, ErrorEntry, Instruments, Resource, ResourceError, Scpi, ScpiError, Target, Word,
};
use runtime::devices::timer::Timer;
use runtime::devices::usbtmc::{Recovery, TmcError, Usbtmc, UsbtmcOptions, control};
use runtime::devices::{
    ByteSource, DeviceError, Devices, Direction, PortInfo, SerialOptions, SerialPort, Streams, UsbDevice, UsbInfo,
};

/// Fires at once.
struct Instant;

impl Timer for Instant {
    fn sleep(&self, _ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

const T: f64 = 2000.0;

fn script(cmd: &str) -> Reply {
    match cmd.trim() {
        "MEAS:VOLT?" => Reply::Text("+1.234560E+00".into()),
        "HANG?" => Reply::Silent,
        c if c.starts_with("ECHO ") => Reply::Text(c[5..].to_owned()),
        c if c.ends_with('?') => Reply::Unknown,
        c if c.starts_with(':') || c.starts_with('*') || c.starts_with("SOUR") => Reply::Done,
        _ => Reply::Unknown,
    }
}

fn instrument(cfg: Config) -> Instrument {
    Instrument::new(cfg, script)
}

fn open(inst: &Instrument, options: UsbtmcOptions) -> Usbtmc {
    block_on(Usbtmc::open(&Instant, Rc::new(inst.clone()), inst.interface(), options)).unwrap()
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

fn query(s: &mut Usbtmc, cmd: &str) -> Result<String, TmcError> {
    block_on(s.query(&Instant, format!("{cmd}\n").as_bytes(), T, None)).map(text)
}

fn no_host_errors(inst: &Instrument) {
    inst.log(|l| assert!(l.host_errors.is_empty(), "{:?}", l.host_errors));
}

// ---- framing ---------------------------------------------------------------------------

#[test]
fn a_query_is_one_message_out_and_one_answer_in() {
    let inst = instrument(Config::default());
    let mut s = open(&inst, UsbtmcOptions::default());
    assert!(s.capabilities().unwrap().term_char);
    assert!(s.capabilities().unwrap().usb488.as_ref().unwrap().scpi);
    assert_eq!(query(&mut s, "*IDN?").unwrap(), "KEITHLEY INSTRUMENTS,MODEL 2450,04512345,1.7.3c\n");
    inst.log(|l| {
        assert_eq!(l.messages, vec!["*IDN?"]);
        assert_eq!(l.tags, vec![1, 2]);
        assert_eq!(l.out_sizes, vec![6]);
        assert_eq!(l.requests, vec![(2, 1 << 20, None)]);
        // GET_CAPABILITIES at open, nothing else on the control endpoint
        assert_eq!(l.controls, vec![(control::GET_CAPABILITIES, 0, 0)]);
        // whole packets, more than one transfer's worth at most: one read took the answer
        assert_eq!(l.in_lengths, vec![65_536 + 512]);
    });
    assert!(inst.idle());
    no_host_errors(&inst);
}

#[test]
fn btag_runs_to_255_and_wraps_to_1() {
    let inst = instrument(Config::default());
    let mut s = open(&inst, UsbtmcOptions::default());
    for i in 0..140 {
        assert_eq!(query(&mut s, &format!("ECHO {i}")).unwrap(), format!("{i}\n"));
    }
    inst.log(|l| {
        assert_eq!(l.tags.len(), 280);
        assert_eq!(&l.tags[253..258], &[254, 255, 1, 2, 3]);
        assert!(l.tags.iter().all(|t| *t != 0));
        // each answer echoed its request's bTag (the host checks; the device logged each request)
        assert!(l.requests.iter().all(|(tag, _, _)| l.tags.contains(tag)));
    });
    assert_eq!(s.last_tag(), 25, "the 280th tag: 255 then 25 more");
    no_host_errors(&inst);
}

#[test]
fn a_long_command_goes_as_several_transfers_of_max_transfer_with_eom_on_the_last() {
    let inst = instrument(Config { packet: 64, ..Config::default() });
    let mut s = open(&inst, UsbtmcOptions { max_transfer: 100, ..UsbtmcOptions::default() });
    // 1,000 bytes: ten transfers of 100 message bytes (112 with the header: two 64-byte packets)
    let cmd: String = (0..999).map(|i| char::from(b'A' + (i % 26) as u8)).collect::<String>() + "\n";
    block_on(s.write(&Instant, cmd.as_bytes(), T)).unwrap();
    inst.log(|l| {
        assert_eq!(l.out_sizes, vec![100; 10]);
        assert_eq!(l.messages, vec![cmd.trim_end().to_owned()]);
    });
    // an odd length needs alignment padding (the device rejects a transfer that is not padded)
    block_on(s.write(&Instant, b":A 1\n", T)).unwrap();
    inst.log(|l| assert_eq!((l.out_sizes.last(), l.messages.last().map(String::as_str)), (Some(&5), Some(":A 1"))));
    // an empty message sends nothing (TransferSize must be > 0)
    block_on(s.write(&Instant, b"", T)).unwrap();
    inst.log(|l| assert_eq!(l.out_sizes.len(), 11));
    no_host_errors(&inst);
}

#[test]
fn a_long_answer_takes_several_requests_until_eom() {
    let answer: Rc<Vec<u8>> = Rc::new((0..10_000u32).map(|i| (i * 7 % 251) as u8).collect());
    let a = answer.clone();
    let inst = Instrument::new(Config { packet: 64, ..Config::default() }, move |c| {
        if c == "DATA?" { Reply::Bytes(a.clone()) } else { Reply::Unknown }
    });
    let mut s = open(&inst, UsbtmcOptions { max_transfer: 1000, ..UsbtmcOptions::default() });
    let got = block_on(s.query(&Instant, b"DATA?\n", T, None)).unwrap();
    assert_eq!(got, *answer);
    inst.log(|l| {
        assert_eq!(l.requests.len(), 10);
        assert!(l.requests.iter().all(|(_, max, _)| *max == 1000));
        assert!(l.in_lengths.iter().all(|n| n.is_multiple_of(64)));
    });
    assert!(inst.idle());
    no_host_errors(&inst);
}

#[test]
fn short_reads_are_joined_by_the_header_s_size() {
    // the host hands over one 64-byte packet per read
    let answer: Rc<Vec<u8>> = Rc::new((0..5000u32).map(|i| (i % 256) as u8).collect());
    let a = answer.clone();
    let inst = Instrument::new(Config { packet: 64, max_packets_per_read: Some(1), ..Config::default() }, move |c| {
        if c == "DATA?" { Reply::Bytes(a.clone()) } else { Reply::Unknown }
    });
    let mut s = open(&inst, UsbtmcOptions { max_transfer: 1500, ..UsbtmcOptions::default() });
    assert_eq!(block_on(s.query(&Instant, b"DATA?\n", T, None)).unwrap(), *answer);
    // and the header itself split across reads: 12 bytes arrive as 8 + 4 with 8-byte packets
    let inst = Instrument::new(Config { packet: 8, max_packets_per_read: Some(1), ..Config::default() }, script);
    let mut s = open(&inst, UsbtmcOptions::default());
    assert_eq!(query(&mut s, "ECHO split").unwrap(), "split\n");
    no_host_errors(&inst);
}

#[test]
fn an_answer_ending_on_a_packet_boundary_leaves_no_stray_zero_length_packet() {
    // 12 header bytes + 500 = 512, and 12 + 67,572 = 67,584 (132 packets, read as 66,048 then
    // 1,536): each transfer ends on a packet boundary, so the device ends it with a
    // zero-length packet, which must fall inside the read that took its last bytes
    for pad_in in [true, false] {
        let inst = Instrument::new(Config { pad_in, ..Config::default() }, |c| match c {
            "FULL?" => Reply::Bytes(Rc::new(vec![b'x'; 500])),
            "BIG?" => Reply::Bytes(Rc::new(vec![b'y'; 67_572])),
            _ => script(c),
        });
        let mut s = open(&inst, UsbtmcOptions::default());
        for _ in 0..3 {
            assert_eq!(block_on(s.query(&Instant, b"FULL?\n", T, None)).unwrap().len(), 500);
            assert_eq!(block_on(s.query(&Instant, b"BIG?\n", T, None)).unwrap().len(), 67_572);
            assert_eq!(query(&mut s, "ECHO next").unwrap(), "next\n");
        }
        inst.log(|l| assert_eq!(l.in_lengths, [66_048, 66_048, 2048, 66_048].repeat(3), "no read for a stray packet"));
        assert!(inst.idle());
        no_host_errors(&inst);
    }
}

#[test]
fn term_char_ends_a_read_when_the_device_supports_it() {
    let lines = |c: &str| match c {
        "LINES?" => Reply::Text("1.0\n2.0".into()),
        _ => script(c),
    };
    let inst = Instrument::new(Config::default(), lines);
    let mut s = open(&inst, UsbtmcOptions::default());
    block_on(s.write(&Instant, b"LINES?\n", T)).unwrap();
    assert_eq!(text(block_on(s.read(&Instant, T, Some(b'\n'))).unwrap()), "1.0\n");
    assert_eq!(text(block_on(s.read(&Instant, T, Some(b'\n'))).unwrap()), "2.0\n");
    inst.log(|l| assert!(l.requests.iter().all(|r| r.2 == Some(b'\n'))));
    // a device without the capability is never asked for it: EOM alone ends the answer
    let inst = Instrument::new(Config { term_char: false, ..Config::default() }, lines);
    let mut s = open(&inst, UsbtmcOptions::default());
    block_on(s.write(&Instant, b"LINES?\n", T)).unwrap();
    assert_eq!(text(block_on(s.read(&Instant, T, Some(b'\n'))).unwrap()), "1.0\n2.0\n");
    inst.log(|l| assert_eq!(l.requests[0].2, None));
    no_host_errors(&inst);
}

// ---- recovery --------------------------------------------------------------------------

fn cleared(inst: &Instrument) -> bool {
    inst.log(|l| {
        l.controls.iter().any(|c| c.0 == control::INITIATE_CLEAR)
            && l.controls.iter().any(|c| c.0 == control::CHECK_CLEAR_STATUS)
            && l.halts_cleared.contains(&(Direction::Out, BULK_OUT))
    })
}

#[test]
fn a_wrong_btag_is_an_error_and_the_instrument_is_cleared() {
    let inst = instrument(Config::default());
    let mut s = open(&inst, UsbtmcOptions::default());
    inst.fault(Fault::WrongTag);
    let e = query(&mut s, "MEAS:VOLT?").unwrap_err();
    assert!(matches!(&e, TmcError::Protocol { recovery: Recovery::Cleared, .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "the instrument broke the USBTMC protocol while sending its answer: it answered request bTag 2 with bTag 3; the instrument was cleared (USBTMC INITIATE_CLEAR) and is ready for the next command"
    );
    assert!(cleared(&inst));
    assert_eq!(query(&mut s, "MEAS:VOLT?").unwrap(), "+1.234560E+00\n");
    assert!(inst.idle());
    no_host_errors(&inst);
}

#[test]
fn a_corrupt_btag_inverse_is_an_error_and_the_instrument_is_cleared() {
    let inst = instrument(Config::default());
    let mut s = open(&inst, UsbtmcOptions::default());
    inst.fault(Fault::BadInverse);
    let e = query(&mut s, "*IDN?").unwrap_err();
    assert!(e.to_string().contains("is not the complement of its bTag"), "{e}");
    assert!(matches!(e, TmcError::Protocol { recovery: Recovery::Cleared, .. }));
    assert!(cleared(&inst));
    assert_eq!(query(&mut s, "ECHO ok").unwrap(), "ok\n");
}

#[test]
fn an_answer_longer_than_requested_is_an_error_and_the_instrument_is_cleared() {
    let inst = Instrument::new(Config::default(), |c| match c {
        "DATA?" => Reply::Bytes(Rc::new(vec![7; 300])),
        _ => script(c),
    });
    let mut s = open(&inst, UsbtmcOptions { max_transfer: 100, ..UsbtmcOptions::default() });
    inst.fault(Fault::Oversize);
    let e = block_on(s.query(&Instant, b"DATA?\n", T, None)).unwrap_err();
    assert!(e.to_string().contains("it sent 101 bytes in one transfer when 100 were asked for"), "{e}");
    assert!(cleared(&inst));
    assert_eq!(block_on(s.query(&Instant, b"DATA?\n", T, None)).unwrap(), vec![7; 300]);
}

#[test]
fn a_timeout_aborts_the_bulk_in_transfer_and_the_next_query_works() {
    let inst = instrument(Config::default());
    let mut s = open(&inst, UsbtmcOptions::default());
    inst.clear_log();
    let e = query(&mut s, "HANG?").unwrap_err();
    assert_eq!(e, TmcError::Timeout { during: "while sending its answer", seconds: 2.0, recovery: Recovery::Aborted });
    assert_eq!(
        e.to_string(),
        "the instrument did not respond within 2 s while sending its answer; the transfer was aborted and the instrument is ready for the next command"
    );
    inst.log(|l| {
        let request_tag = l.requests[0].0;
        // INITIATE_ABORT_BULK_IN names the request's bTag and the Bulk-IN endpoint address
        assert!(l.controls.contains(&(
            control::INITIATE_ABORT_BULK_IN,
            u16::from(request_tag),
            0x80 | u16::from(BULK_IN)
        )));
        assert!(l.controls.iter().any(|c| c.0 == control::CHECK_ABORT_BULK_IN_STATUS));
        assert!(!l.controls.iter().any(|c| c.0 == control::INITIATE_CLEAR));
    });
    assert!(inst.idle());
    assert_eq!(query(&mut s, "MEAS:VOLT?").unwrap(), "+1.234560E+00\n");
    // several timeouts in a row, each recovered
    for _ in 0..3 {
        assert!(matches!(query(&mut s, "HANG?"), Err(TmcError::Timeout { recovery: Recovery::Aborted, .. })));
    }
    assert_eq!(query(&mut s, "ECHO alive").unwrap(), "alive\n");
    no_host_errors(&inst);
}

#[test]
fn a_refused_abort_falls_back_to_initiate_clear() {
    let inst = instrument(Config::default());
    let mut s = open(&inst, UsbtmcOptions::default());
    inst.fault(Fault::AbortRefused);
    let e = query(&mut s, "HANG?").unwrap_err();
    assert!(matches!(e, TmcError::Timeout { recovery: Recovery::Cleared, .. }), "{e:?}");
    assert!(cleared(&inst));
    assert_eq!(query(&mut s, "ECHO back").unwrap(), "back\n");
}

#[test]
fn a_stuck_bulk_out_is_aborted_its_halt_cleared_and_the_next_command_goes_through() {
    let inst = instrument(Config::default());
    let mut s = open(&inst, UsbtmcOptions::default());
    inst.fault(Fault::StuckOut);
    let e = block_on(s.write(&Instant, b"SOUR:VOLT 5\n", T)).unwrap_err();
    assert_eq!(e, TmcError::Timeout { during: "while taking a command", seconds: 2.0, recovery: Recovery::Aborted });
    inst.log(|l| {
        assert!(l.controls.contains(&(control::INITIATE_ABORT_BULK_OUT, 1, u16::from(BULK_OUT))));
        assert!(l.controls.iter().any(|c| c.0 == control::CHECK_ABORT_BULK_OUT_STATUS));
        assert_eq!(l.halts_cleared, vec![(Direction::Out, BULK_OUT)]);
        assert!(l.messages.is_empty());
    });
    assert_eq!(query(&mut s, "MEAS:VOLT?").unwrap(), "+1.234560E+00\n");
    no_host_errors(&inst);
}

#[test]
fn initiate_clear_drops_an_unread_answer() {
    let inst = instrument(Config::default());
    let mut s = open(&inst, UsbtmcOptions::default());
    block_on(s.write(&Instant, b"*IDN?\n", T)).unwrap();
    block_on(s.clear(&Instant)).unwrap();
    assert!(cleared(&inst));
    assert!(inst.idle());
    assert_eq!(query(&mut s, "ECHO fresh").unwrap(), "fresh\n");
}

#[test]
fn unplugging_mid_transfer_is_a_clear_error_and_later_calls_fail_at_once() {
    let big = Rc::new(vec![1u8; 200_000]);
    let b = big.clone();
    let inst =
        Instrument::new(Config::default(), move |c| if c == "DATA?" { Reply::Bytes(b.clone()) } else { script(c) });
    let mut s = open(&inst, UsbtmcOptions { max_transfer: 50_000, ..UsbtmcOptions::default() });
    inst.unplug_after(120_000);
    let e = block_on(s.query(&Instant, b"DATA?\n", T, None)).unwrap_err();
    assert_eq!(e, TmcError::Disconnected { during: "while sending its answer" });
    assert_eq!(
        e.to_string(),
        "the instrument was disconnected while sending its answer: plug it back in and run again"
    );
    assert!(s.is_disconnected());
    let calls = inst.log(|l| l.controls.len() + l.tags.len() + l.in_lengths.len());
    let e = query(&mut s, "*IDN?").unwrap_err();
    assert_eq!(e, TmcError::Disconnected { during: "during an earlier transfer" });
    assert!(block_on(s.read_status_byte(&Instant, T)).is_err());
    assert!(block_on(s.clear(&Instant)).is_err());
    assert_eq!(inst.log(|l| l.controls.len() + l.tags.len() + l.in_lengths.len()), calls, "no device call after");
    // unplugged while the host waits for an answer that never comes
    let inst = instrument(Config::default());
    let mut s = open(&inst, UsbtmcOptions::default());
    inst.unplug_after(0);
    assert!(matches!(query(&mut s, "HANG?"), Err(TmcError::Disconnected { .. })));
}

// ---- USB488 ----------------------------------------------------------------------------

#[test]
fn the_status_byte_comes_on_the_interrupt_endpoint_or_in_the_control_reply() {
    for interrupt in [true, false] {
        let inst = instrument(Config { interrupt, ..Config::default() });
        let mut s = open(&inst, UsbtmcOptions::default());
        assert_eq!(block_on(s.read_status_byte(&Instant, T)).unwrap(), 0);
        inst.push_error(-222, "Data out of range");
        assert_eq!(block_on(s.read_status_byte(&Instant, T)).unwrap(), 0x04, "EAV");
        block_on(s.write(&Instant, b"*IDN?\n", T)).unwrap();
        assert_eq!(block_on(s.read_status_byte(&Instant, T)).unwrap(), 0x14, "MAV + EAV");
        // READ_STATUS_BYTE's bTag runs 2..=127 and wraps (1 is the SRQ notification's)
        for _ in 0..130 {
            block_on(s.read_status_byte(&Instant, T)).unwrap();
        }
        inst.log(|l| {
            let tags: Vec<u16> = l.controls.iter().filter(|c| c.0 == control::READ_STATUS_BYTE).map(|c| c.1).collect();
            assert_eq!(&tags[..3], &[2, 3, 4]);
            assert!(tags.iter().all(|t| (2..=127).contains(t)));
            assert_eq!(tags[126], 2);
        });
    }
    // a service request queued before the answer is kept for the caller
    let inst = instrument(Config::default());
    let mut s = open(&inst, UsbtmcOptions::default());
    inst.service_request(0x50);
    assert_eq!(block_on(s.read_status_byte(&Instant, T)).unwrap(), 0);
    assert_eq!(s.take_service_request(), Some(0x50));
    assert_eq!(s.take_service_request(), None);
}

#[test]
fn trigger_is_sent_only_to_devices_that_list_it() {
    let inst = instrument(Config::default());
    let mut s = open(&inst, UsbtmcOptions::default());
    block_on(s.trigger(&Instant, T)).unwrap();
    inst.log(|l| assert_eq!(l.triggers, 1));
    // without GET_CAPABILITIES the session does not know: *TRG is the way
    let mut s = Usbtmc::new(Rc::new(inst.clone()), inst.interface(), UsbtmcOptions::default());
    assert!(block_on(s.trigger(&Instant, T)).unwrap_err().to_string().contains("send *TRG instead"));
}

// ---- SCPI over USBTMC --------------------------------------------------------------------

fn scpi(inst: &Instrument) -> Scpi {
    Scpi::over_usbtmc(open(inst, UsbtmcOptions::default()))
}

/// 10,000,000 int16 points as a scope sends them: `#8` + 20,000,000 + data + newline.
fn waveform_block(points: usize) -> (Vec<i16>, Rc<Vec<u8>>) {
    let samples: Vec<i16> = (0..points).map(|i| ((i * 7919) % 65_536) as u16 as i16).collect();
    let mut block = scpi::block_header(points * 2);
    block.reserve(points * 2 + 1);
    for v in &samples {
        block.extend_from_slice(&v.to_le_bytes());
    }
    block.push(b'\n');
    (samples, Rc::new(block))
}

#[test]
fn a_10_million_point_waveform_arrives_whole_through_query_binary() {
    let (samples, block) = waveform_block(10_000_000);
    assert_eq!(&block[..10], b"#820000000");
    let b = block.clone();
    let inst =
        Instrument::new(Config::default(), move |c| if c == "CURV?" { Reply::Bytes(b.clone()) } else { script(c) });
    let mut s = scpi(&inst);
    let data = block_on(s.query_binary(&Instant, "CURV?")).unwrap();
    assert_eq!(data.len(), 20_000_000);
    let points = scpi::decode(&data, Word::I16, ByteOrder::Little).unwrap();
    assert_eq!(points.len(), samples.len());
    assert!(points.iter().zip(&samples).all(|(p, s)| *p == f64::from(*s)));
    // 20,000,011 bytes in 1 MiB transfers: 20 requests, each answered whole
    inst.log(|l| assert_eq!(l.requests.len(), 20));
    assert!(inst.idle());
    no_host_errors(&inst);
}

#[test]
fn query_binary_reads_definite_and_indefinite_blocks_and_rejects_bad_ones() {
    let inst = Instrument::new(Config::default(), |c| match c {
        "F32?" => {
            let mut b = scpi::block_header(8);
            b.extend_from_slice(&1.5f32.to_be_bytes());
            b.extend_from_slice(&(-0.25f32).to_be_bytes());
            b.push(b'\n');
            Reply::Bytes(Rc::new(b))
        }
        "INDEF?" => Reply::Bytes(Rc::new(b"#0\n\x00\x01\n".to_vec())),
        "SHORT?" => Reply::Bytes(Rc::new(b"#15abc\n".to_vec())),
        "TEXT?" => Reply::Text("1,2,3".into()),
        _ => script(c),
    });
    let mut s = scpi(&inst);
    let f = block_on(s.query_binary(&Instant, "F32?")).unwrap();
    assert_eq!(scpi::decode(&f, Word::F32, ByteOrder::Big).unwrap(), vec![1.5, -0.25]);
    assert_eq!(block_on(s.query_binary(&Instant, "INDEF?")).unwrap(), b"\n\x00\x01");
    let e = block_on(s.query_binary(&Instant, "SHORT?")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the answer to 'SHORT?' is not a binary block: its header announces 5 bytes but only 4 came"
    );
    let e = block_on(s.query_binary(&Instant, "TEXT?")).unwrap_err();
    assert!(matches!(e, ScpiError::Block { .. }), "{e}");
    // the session goes on
    assert_eq!(block_on(s.query(&Instant, "MEAS:VOLT?")).unwrap(), "+1.234560E+00");
}

#[test]
fn the_error_queue_is_drained_oldest_first() {
    let inst = instrument(Config::default());
    let mut s = scpi(&inst);
    assert_eq!(block_on(s.errors(&Instant)).unwrap(), vec![]);
    block_on(s.write(&Instant, "BOGUS:CMD 1")).unwrap();
    inst.push_error(-222, "Data out of range");
    let errors = block_on(s.errors(&Instant)).unwrap();
    assert_eq!(
        errors,
        vec![
            ErrorEntry { code: -113, message: "Undefined header;BOGUS:CMD 1".into() },
            ErrorEntry { code: -222, message: "Data out of range".into() },
        ]
    );
    assert_eq!(block_on(s.errors(&Instant)).unwrap(), vec![]);
    inst.push_error(-221, "Settings conflict");
    let e = block_on(s.check_errors(&Instant, "SOUR:VOLT 500")).unwrap_err();
    assert_eq!(e.to_string(), "the instrument reported an error after 'SOUR:VOLT 500': -221,\"Settings conflict\"");
    inst.log(|l| assert_eq!(l.messages.iter().filter(|m| *m == "SYST:ERR?").count(), 7));
    assert!(block_on(s.check_errors(&Instant, "*RST")).is_ok());
}

#[test]
fn idn_and_per_query_timeouts_over_usbtmc() {
    let inst = instrument(Config::default());
    let mut s = scpi(&inst);
    let idn = block_on(s.idn(&Instant)).unwrap();
    assert_eq!(
        (idn.manufacturer.as_str(), idn.model.as_str(), idn.serial.as_str()),
        ("KEITHLEY INSTRUMENTS", "MODEL 2450", "04512345")
    );
    let e = block_on(s.query_within(&Instant, "HANG?", 250.0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "'HANG?': the instrument did not respond within 0.25 s while sending its answer; the transfer was aborted and the instrument is ready for the next command"
    );
    assert_eq!(block_on(s.query(&Instant, "ECHO x")).unwrap(), "x");
    assert_eq!(block_on(s.status_byte(&Instant)).unwrap(), 0);
}

// ---- SCPI over serial ------------------------------------------------------------------

/// A serial SCPI instrument: takes lines, answers from the same script, and hands its
/// output out in 7-byte pieces (reads never line up with lines).
#[derive(Clone)]
struct SerialInstrument {
    st: Rc<RefCell<SerialState>>,
}

struct SerialState {
    pending: Vec<u8>,
    out: VecDeque<u8>,
    errors: VecDeque<(i32, String)>,
    written: Vec<String>,
}

impl SerialInstrument {
    fn new() -> SerialInstrument {
        SerialInstrument {
            st: Rc::new(RefCell::new(SerialState {
                pending: Vec::new(),
                out: VecDeque::new(),
                errors: VecDeque::new(),
                written: Vec::new(),
            })),
        }
    }
}

impl ByteSource for SerialInstrument {
    fn read(&self) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
        let mut st = self.st.borrow_mut();
        let n = st.out.len().min(7);
        let chunk: Vec<u8> = st.out.drain(..n).collect();
        // nothing to read: the instrument is silent (a pending read, which the timer beats)
        if chunk.is_empty() {
            return Box::pin(futures::future::pending());
        }
        Box::pin(async move { Ok(chunk) })
    }
}

impl SerialPort for SerialInstrument {
    fn write(&self, bytes: Vec<u8>) -> LocalBoxFuture<'static, Result<(), DeviceError>> {
        let mut st = self.st.borrow_mut();
        st.pending.extend_from_slice(&bytes);
        while let Some(i) = st.pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = st.pending.drain(..=i).collect();
            let cmd = String::from_utf8_lossy(&line).trim().to_owned();
            st.written.push(cmd.clone());
            let answer: Option<Vec<u8>> = match cmd.as_str() {
                "SYST:ERR?" => {
                    let (c, m) = st.errors.pop_front().unwrap_or((0, "No error".into()));
                    Some(format!("{c},\"{m}\"\r\n").into_bytes())
                }
                "WAV?" => {
                    let mut b = scpi::block_header(6);
                    b.extend_from_slice(&[b'\n', 0, b'#', 1, b'\r', 255]);
                    b.extend_from_slice(b"\r\n");
                    Some(b)
                }
                "INDEF?" => Some(b"#0abc\n".to_vec()),
                "*STB?" => Some(b"16\r\n".to_vec()),
                "*IDN?" => Some(b"KEITHLEY INSTRUMENTS,MODEL 2450,04512345,1.7.3c\r\n".to_vec()),
                c => match script(c) {
                    Reply::Text(t) => Some(format!("{t}\r\n").into_bytes()),
                    Reply::Unknown => {
                        st.errors.push_back((-113, "Undefined header".into()));
                        None
                    }
                    _ => None,
                },
            };
            if let Some(a) = answer {
                st.out.extend(a);
            }
        }
        Box::pin(async { Ok(()) })
    }

    fn unread(&self, bytes: Vec<u8>) {
        let mut st = self.st.borrow_mut();
        for b in bytes.into_iter().rev() {
            st.out.push_front(b);
        }
    }

    fn discard_pending(&self) {
        self.st.borrow_mut().out.clear();
    }
}

#[test]
fn the_same_session_model_works_over_a_serial_port() {
    let port = SerialInstrument::new();
    let mut s = Scpi::over_serial(Rc::new(port.clone()));
    assert_eq!(block_on(s.query(&Instant, "MEAS:VOLT?")).unwrap(), "+1.234560E+00");
    assert_eq!(block_on(s.idn(&Instant)).unwrap().model, "MODEL 2450");
    // a block whose data holds newlines, '#' and CR, then what follows it stays readable
    assert_eq!(block_on(s.query_binary(&Instant, "WAV?")).unwrap(), vec![b'\n', 0, b'#', 1, b'\r', 255]);
    assert_eq!(block_on(s.query(&Instant, "ECHO after")).unwrap(), "after");
    let e = block_on(s.query_binary(&Instant, "INDEF?")).unwrap_err();
    assert!(e.to_string().contains("indefinite-length block (#0)"), "{e}");
    block_on(s.write(&Instant, "NONSENSE")).unwrap();
    assert_eq!(
        block_on(s.errors(&Instant)).unwrap(),
        vec![ErrorEntry { code: -113, message: "Undefined header".into() }]
    );
    assert_eq!(block_on(s.status_byte(&Instant)).unwrap(), 16);
    let e = block_on(s.query_within(&Instant, "HANG?", 1500.0)).unwrap_err();
    assert_eq!(e.to_string(), "the instrument did not answer 'HANG?' within 1.5 s");
    assert_eq!(block_on(s.query(&Instant, "ECHO still here")).unwrap(), "still here");
    port.st.borrow().written.iter().for_each(|w| assert!(!w.is_empty()));
}

// ---- resources and connections ----------------------------------------------------------

/// Granted devices. `open_usb`/`open_serial` hand out the same object until `new_run`.
#[derive(Default)]
struct Lab {
    usb: Vec<(PortInfo, Instrument, UsbInfo)>,
    serial: Vec<(PortInfo, SerialInstrument)>,
    opened_usb: RefCell<HashMap<String, Rc<dyn UsbDevice>>>,
    opened_serial: RefCell<HashMap<String, Rc<dyn SerialPort>>>,
    streams: Streams,
}

impl Lab {
    fn with_usb(mut self, id: &str, label: &str, serial: &str) -> Lab {
        let inst = Instrument::new(
            Config { idn: format!("KEITHLEY INSTRUMENTS,MODEL 2450,{serial},1"), ..Config::default() },
            script,
        );
        let info = inst.info(serial);
        self.usb.push((PortInfo { id: id.into(), label: label.into(), open: false }, inst, info));
        self
    }

    /// A Tektronix instrument whose USB product string is `product`.
    fn with_tektronix(mut self, id: &str, product: &str) -> Lab {
        let config = Config {
            idn: format!("TEKTRONIX,{product},C1,1"),
            vendor_id: 0x0699,
            product_id: 0x0105,
            manufacturer: "Tektronix".into(),
            product: product.into(),
            ..Config::default()
        };
        let inst = Instrument::new(config, script);
        let info = inst.info("C1");
        self.usb.push((PortInfo { id: id.into(), label: product.into(), open: false }, inst, info));
        self
    }

    fn with_serial(mut self, id: &str, label: &str) -> Lab {
        self.serial.push((PortInfo { id: id.into(), label: label.into(), open: false }, SerialInstrument::new()));
        self
    }

    fn new_run(&self) {
        self.opened_usb.borrow_mut().clear();
        self.opened_serial.borrow_mut().clear();
    }
}

impl Devices for Lab {
    fn serial_ports(&self) -> Vec<PortInfo> {
        self.serial.iter().map(|(p, _)| p.clone()).collect()
    }

    fn open_serial(
        &self,
        id: &str,
        _: &SerialOptions,
    ) -> LocalBoxFuture<'static, Result<Rc<dyn SerialPort>, DeviceError>> {
        let found = self.serial.iter().find(|(p, _)| p.id == id).map(|(_, s)| s.clone());
        let r = found.map(|s| {
            self.opened_serial
                .borrow_mut()
                .entry(id.to_owned())
                .or_insert_with(|| Rc::new(s) as Rc<dyn SerialPort>)
                .clone()
        });
        let id = id.to_owned();
        Box::pin(async move { r.ok_or(DeviceError::NotFound(id)) })
    }

    fn usb_devices(&self) -> Vec<PortInfo> {
        self.usb.iter().map(|(p, _, _)| p.clone()).collect()
    }

    fn open_usb(&self, id: &str, interface: u8) -> LocalBoxFuture<'static, Result<Rc<dyn UsbDevice>, DeviceError>> {
        assert_eq!(interface, instrument::INTERFACE);
        let found = self.usb.iter().find(|(p, _, _)| p.id == id).map(|(_, i, _)| i.clone());
        let r = found.map(|i| {
            self.opened_usb.borrow_mut().entry(id.to_owned()).or_insert_with(|| Rc::new(i) as Rc<dyn UsbDevice>).clone()
        });
        let id = id.to_owned();
        Box::pin(async move { r.ok_or(DeviceError::NotFound(id)) })
    }

    fn usb_info(&self, id: &str) -> Option<UsbInfo> {
        self.usb.iter().find(|(p, _, _)| p.id == id).map(|(_, _, i)| i.clone())
    }

    fn spawn(&self, _task: LocalBoxFuture<'static, ()>) {}

    fn streams(&self) -> &Streams {
        &self.streams
    }
}

fn picked(lab: &Lab, requested: &str) -> (String, Option<String>) {
    let (t, note) = scpi::resolve_instrument(requested, lab).unwrap_or_else(|e| panic!("{requested}: {e}"));
    (t.port().id.clone(), note)
}

#[test]
fn a_visa_usb_name_matches_by_ids_and_serial_number() {
    let lab = Lab::default()
        .with_usb("05e6:2450", "Keithley 2450", "04512345")
        .with_usb("05e6:2450#2", "Keithley 2450", "04599999")
        .with_serial("serial-1", "Arduino");
    assert_eq!(picked(&lab, "USB0::0x05E6::0x2450::04512345::INSTR"), ("05e6:2450".into(), None));
    // hex and serial numbers in any case, decimal ids, an interface number
    assert_eq!(picked(&lab, "usb::0x05e6::0x2450::04599999::0::instr").0, "05e6:2450#2");
    assert_eq!(picked(&lab, "USB0::1510::9296::04599999::INSTR").0, "05e6:2450#2");
    // two of the model and a serial number neither has: say so, list both
    let e = scpi::resolve_instrument("USB0::0x05E6::0x2450::11111111::INSTR", &lab).unwrap_err();
    assert!(matches!(e, ResourceError::Ambiguous(_)));
    assert_eq!(
        e.to_string(),
        "2 0x05E6:0x2450 instruments are connected and none has serial number '11111111': set the connection to one of USB0::0x05E6::0x2450::04512345::INSTR, USB0::0x05E6::0x2450::04599999::INSTR"
    );
    // the only one of its model: picked with a note, whatever serial number the file has
    let one = Lab::default().with_usb("05e6:2450", "Keithley 2450", "04512345");
    let (id, note) = picked(&one, "USB0::0x05E6::0x2450::11111111::INSTR");
    assert_eq!(id, "05e6:2450");
    assert_eq!(
        note.unwrap(),
        "no connected instrument has serial number '11111111'; using the only 0x05E6:0x2450 instrument 'Keithley 2450' (serial number '04512345')"
    );
    assert_eq!(picked(&one, "USB0::0x05E6::0x2450::INSTR"), ("05e6:2450".into(), None));
    // another model: not connected, with what is
    let e = scpi::resolve_instrument("USB0::0x0699::0x0522::C012345::INSTR", &one).unwrap_err();
    assert!(matches!(e, ResourceError::NotConnected(_)));
    assert!(
        e.to_string()
            .starts_with("no connected USB instrument is 0x0699:0x0522 ('USB0::0x0699::0x0522::C012345::INSTR')"),
        "{e}"
    );
    assert!(e.to_string().contains("connected: USB0::0x05E6::0x2450::04512345::INSTR (Keithley 2450)"), "{e}");
    // ids and labels from the Devices list work as they are
    assert_eq!(picked(&lab, "serial-1"), ("serial-1".into(), None));
    assert!(scpi::resolve_instrument("Keithley 2450", &lab).is_err(), "two devices have that label");
    // syntax errors are not guessed at
    let e = scpi::resolve_instrument("USB0::0xZZ::0x2450::1::INSTR", &lab).unwrap_err();
    assert!(matches!(e, ResourceError::Syntax { .. }), "{e}");
}

#[test]
fn network_and_gpib_names_say_why_a_page_cannot_reach_them() {
    let none = Lab::default().with_serial("serial-1", "Arduino");
    for name in ["TCPIP0::192.168.1.5::inst0::INSTR", "TCPIP::host::5025::SOCKET", "GPIB0::12::INSTR"] {
        let e = scpi::resolve_instrument(name, &none).unwrap_err();
        let ResourceError::Unreachable(why) = &e else { panic!("{name}: {e:?}") };
        assert!(
            why.contains("by USB")
                && why.contains("by serial")
                && why.contains(&format!("'{}'", Resource::parse(name).unwrap())),
            "{why}"
        );
    }
    // Flojoy's IVSweep.json names its SMU by IP address: the only USB instrument is used, with a note
    let one = Lab::default().with_usb("05e6:2450", "Keithley 2450 (simulated)", "04512345");
    let (id, note) = picked(&one, "TCPIP::169.254.175.123::INSTR");
    assert_eq!(id, "05e6:2450");
    assert_eq!(
        note.unwrap(),
        "'TCPIP::169.254.175.123::INSTR' is a network instrument, which a web page cannot reach; using the only connected USB instrument 'Keithley 2450 (simulated)'"
    );
    // ASRL names the operating system's port: the only serial device, with a note
    let (id, note) = picked(&none, "ASRL3::INSTR");
    assert_eq!(id, "serial-1");
    assert!(note.unwrap().contains("names serial port COM3 the operating system's way"));
    // nothing named: the only instrument
    let (id, note) = picked(&one, "");
    assert_eq!(
        (id.as_str(), note.unwrap()),
        (
            "05e6:2450",
            "no instrument chosen; using the only connected USB instrument 'Keithley 2450 (simulated)'".to_owned()
        )
    );
    let e = scpi::resolve_instrument("", &Lab::default()).unwrap_err();
    assert!(e.to_string().contains("no instrument is connected") && e.to_string().contains("demo devices"), "{e}");
}

#[test]
fn a_node_written_for_one_model_picks_it_among_several_when_none_is_named() {
    let afg = scpi::Model { vendor_id: 0x0699, product: "AFG31", name: "Tektronix AFG31000" };
    let lab = Lab::default().with_usb("05e6:2450", "Keithley 2450", "1").with_tektronix("0699:0105", "AFG31052");
    assert!(matches!(scpi::resolve_instrument("", &lab), Err(ResourceError::Ambiguous(_))));
    let (t, note) = scpi::resolve_model("", &lab, Some(afg)).unwrap();
    assert_eq!(t.port().id, "0699:0105");
    assert_eq!(
        note.as_deref(),
        Some(
            "no instrument chosen and several instruments are connected; using the only connected Tektronix AFG31000 'AFG31052'"
        )
    );
    // a network address a page cannot reach: the same
    let (t, note) = scpi::resolve_model("TCPIP0::10.0.0.7::INSTR", &lab, Some(afg)).unwrap();
    assert_eq!(t.port().id, "0699:0105");
    assert_eq!(
        note.as_deref(),
        Some(
            "'TCPIP0::10.0.0.7::INSTR' is a network instrument, which a web page cannot reach; using the only connected Tektronix AFG31000 'AFG31052'"
        )
    );
    // a name that matches wins over the model; two of the model, or none, stay ambiguous
    assert_eq!(scpi::resolve_model("05e6:2450", &lab, Some(afg)).unwrap().0.port().id, "05e6:2450");
    let two = Lab::default().with_tektronix("a", "AFG31052").with_tektronix("b", "AFG31252");
    assert!(matches!(scpi::resolve_model("", &two, Some(afg)), Err(ResourceError::Ambiguous(_))));
    // the only instrument, guessed, but not of the model: taken, with a warning
    let only = Lab::default().with_tektronix("0699:0105", "MSO24");
    let note = scpi::resolve_model("", &only, Some(afg)).unwrap().1.unwrap();
    assert!(note.ends_with("warning: it does not look like a Tektronix AFG31000 (USB 0x0699:0x0105 'MSO24'): if it is the wrong instrument, set the connection"), "{note}");
    let scope = scpi::Model { vendor_id: 0x0699, product: "MSO2", name: "MSO2" };
    assert!(matches!(scpi::resolve_model("", &lab, Some(scope)), Err(ResourceError::Ambiguous(_))));
    // a family: any of its models fits, nothing else does
    let family = scpi::Model { vendor_id: 0x0699, product: "MSO2|MSO4|MSO5", name: "MSO2/4/5" };
    let bench = Lab::default().with_tektronix("a", "AFG31052").with_tektronix("s", "MSO44");
    assert_eq!(scpi::resolve_model("", &bench, Some(family)).unwrap().0.port().id, "s");
    let note =
        scpi::resolve_model("", &Lab::default().with_tektronix("m", "MDO3034"), Some(family)).unwrap().1.unwrap();
    assert!(note.contains("does not look like a MSO2/4/5"), "{note}");
}

#[test]
fn sessions_are_kept_per_device_and_instruments_share_nothing() {
    let lab = Lab::default()
        .with_usb("05e6:2450", "SMU A", "A1")
        .with_usb("05e6:2450#2", "SMU B", "B2")
        .with_serial("serial-1", "Serial DMM");
    let instruments = Instruments::new();
    let connect =
        |name: &str| block_on(instruments.connect(&lab, &Instant, name, &ConnectOptions::default())).unwrap().0;
    let a = connect("USB0::0x05E6::0x2450::A1::INSTR");
    let b = connect("USB0::0x05E6::0x2450::B2::INSTR");
    let d = connect("serial-1");
    assert!(!Rc::ptr_eq(&a, &b));
    assert!(Rc::ptr_eq(&a, &connect("05e6:2450")), "one session per device within a run");
    assert_eq!(instruments.len(), 3);
    // interleaved exchanges on the three: each answers its own
    let ask = |c: &scpi::Connection, q: &str| block_on(async { c.lock().await.query(&Instant, q).await }).unwrap();
    assert_eq!(ask(&a, "*IDN?"), "KEITHLEY INSTRUMENTS,MODEL 2450,A1,1");
    assert_eq!(ask(&b, "*IDN?"), "KEITHLEY INSTRUMENTS,MODEL 2450,B2,1");
    assert_eq!(ask(&d, "ECHO serial"), "serial");
    assert_eq!(ask(&a, "ECHO a"), "a");
    // a hung instrument does not disturb another
    assert!(block_on(async { a.lock().await.query(&Instant, "HANG?").await }).is_err());
    assert_eq!(ask(&b, "ECHO b"), "b");
    // the next run opens the device anew: a fresh session
    lab.new_run();
    let a2 = connect("USB0::0x05E6::0x2450::A1::INSTR");
    assert!(!Rc::ptr_eq(&a, &a2));
    assert_eq!(ask(&a2, "ECHO again"), "again");
    assert!(matches!(a2.try_lock().unwrap().link(), scpi::Link::Usbtmc(_)));
    // and the resolved target is reported
    assert!(matches!(scpi::resolve_instrument("serial-1", &lab).unwrap().0, Target::Serial(_)));
}

#[test]
fn without_usb_descriptors_no_instrument_is_found_and_the_error_says_why() {
    /// A host that lists USB devices but does not describe them (the default `usb_info`).
    struct Bare(Streams);
    impl Devices for Bare {
        fn serial_ports(&self) -> Vec<PortInfo> {
            Vec::new()
        }
        fn open_serial(
            &self,
            id: &str,
            _: &SerialOptions,
        ) -> LocalBoxFuture<'static, Result<Rc<dyn SerialPort>, DeviceError>> {
            let id = id.to_owned();
            Box::pin(async move { Err(DeviceError::NotFound(id)) })
        }
        fn usb_devices(&self) -> Vec<PortInfo> {
            vec![PortInfo { id: "05e6:2450".into(), label: "Keithley".into(), open: false }]
        }
        fn open_usb(&self, id: &str, _: u8) -> LocalBoxFuture<'static, Result<Rc<dyn UsbDevice>, DeviceError>> {
            let id = id.to_owned();
            Box::pin(async move { Err(DeviceError::NotFound(id)) })
        }
        fn spawn(&self, _: LocalBoxFuture<'static, ()>) {}
        fn streams(&self) -> &Streams {
            &self.0
        }
    }
    let e = scpi::resolve_instrument("USB0::0x05E6::0x2450::1::INSTR", &Bare(Streams::default())).unwrap_err();
    assert!(e.to_string().contains("does not describe its USB devices' interfaces"), "{e}");
    // and the UsbDevice defaults: clear_halt is unsupported (recovery goes on without it)
    let d: &dyn UsbDevice = &NoHalt;
    assert!(matches!(block_on(d.clear_halt(Direction::Out, 1)), Err(DeviceError::Unsupported(_))));
}

struct NoHalt;

impl UsbDevice for NoHalt {
    fn transfer_in(&self, _: u8, _: u32) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
        Box::pin(async { Err(DeviceError::Disconnected) })
    }
    fn transfer_out(&self, _: u8, _: Vec<u8>) -> LocalBoxFuture<'static, Result<u32, DeviceError>> {
        Box::pin(async { Err(DeviceError::Disconnected) })
    }
    fn control_in(
        &self,
        _: runtime::devices::ControlSetup,
        _: u16,
    ) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
        Box::pin(async { Err(DeviceError::Disconnected) })
    }
    fn control_out(
        &self,
        _: runtime::devices::ControlSetup,
        _: Vec<u8>,
    ) -> LocalBoxFuture<'static, Result<u32, DeviceError>> {
        Box::pin(async { Err(DeviceError::Disconnected) })
    }
}
