//! Flojoy Studio's instrument blocks that reach their instrument through the vendor's own
//! driver library (NI-DAQmx, PicoSDK, LabJack's driver, PCAN-Basic, …) or a raw network socket.
//! A web page can reach neither: WebUSB speaks only to devices without a kernel driver and a
//! documented protocol (USBTMC, CDC serial, vendor requests), and a page opens no TCP sockets.
//!
//! Such a block opens with its own ports and parameters (from the flow file) and says, on the
//! node, which driver it needs and what to use instead; it never runs.

/// (block folder in Studio's tree, what it needs).
const NEEDS: &[(&str, &str)] = &[
    ("HARDWARE/DAQ_BOARDS/NATIONAL_INSTRUMENTS/", "NI-DAQmx, National Instruments' driver"),
    ("HARDWARE/MULTIMETERS/NI/", "NI-DMM, National Instruments' driver"),
    ("HARDWARE/DAQ_BOARDS/LABJACK/", "LabJack's driver (UD library or Exodriver, through LabJackPython)"),
    ("HARDWARE/OSCILLOSCOPES/PICO/", "Pico Technology's PicoSDK"),
    ("HARDWARE/PROTOCOLS/CAN/BUS/PEAK", "PEAK-System's PCAN-Basic library"),
    ("HARDWARE/ATTENUATORS/LDA/", "Vaunix's LDA library"),
    ("HARDWARE/SIGNAL_ANALYZERS/TEKTRONIX/RSA", "Tektronix's RSA API"),
];

/// Blocks that talk to their instrument over TCP/IP only.
const NETWORK: &[(&str, &str)] = &[
    ("HARDWARE/ROBOTICS/ARMS/MECA500/", "Mecademic's Meca500 robot arm"),
    ("HARDWARE/SIGNAL_ANALYZERS/ROHDE_SCHWARZ/", "the Rohde & Schwarz analyser's VISA TCPIP link"),
];

/// Why the Studio block at `path` (its `data.path`, e.g.
/// `HARDWARE/OSCILLOSCOPES/PICO/PICO2000/CONNECTION_2000/CONNECTION_2000.py`) cannot run in
/// Flojoy Web, if it is one of those.
pub fn needs_driver(path: &str) -> Option<String> {
    let path = path.trim_start_matches('/');
    if let Some((_, driver)) = NEEDS.iter().find(|(prefix, _)| path.starts_with(prefix)) {
        return Some(format!(
            "it needs the vendor's driver, {driver}, which a web page cannot reach; run this flow in \
             Flojoy Studio on a computer with that driver, or use an instrument that speaks USBTMC or serial"
        ));
    }
    NETWORK.iter().find(|(prefix, _)| path.starts_with(prefix)).map(|(_, what)| {
        format!(
            "it talks to {what} over TCP/IP, and a web page cannot open network sockets; run this flow in \
             Flojoy Studio, or connect the instrument by USB (USBTMC) or serial"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn studio_vendor_blocks_name_their_driver_and_others_pass() {
        let pico = needs_driver("HARDWARE/OSCILLOSCOPES/PICO/PICO2000/EXTRACT_TRACE_2000/EXTRACT_TRACE_2000.py");
        assert!(pico.is_some_and(|r| r.contains("PicoSDK")));
        let ni = needs_driver("HARDWARE/DAQ_BOARDS/NATIONAL_INSTRUMENTS/COMPACT_DAQ/CREATE_TASK/CREATE_TASK.py");
        assert!(ni.is_some_and(|r| r.contains("NI-DAQmx")));
        let meca = needs_driver("HARDWARE/ROBOTICS/ARMS/MECA500/HOME/HOME.py");
        assert!(meca.is_some_and(|r| r.contains("TCP/IP")));
        for ours in [
            "HARDWARE/OSCILLOSCOPES/RIGOL/DS1074Z/EXTRACT_TRACE/EXTRACT_TRACE.py",
            "HARDWARE/PROTOCOLS/CAN/BUS/CANABLE_CONNECT/CANABLE_CONNECT.py",
            "",
        ] {
            assert_eq!(needs_driver(ours), None, "{ours}");
        }
    }
}
