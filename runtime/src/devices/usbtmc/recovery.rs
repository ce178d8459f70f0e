//! Getting a stuck instrument back (USBTMC 1.0 §4.2.1.2 to §4.2.1.7): aborting a Bulk-IN or
//! Bulk-OUT transfer, clearing the device, clearing the Bulk-OUT halt. Every step is bounded
//! by [`UsbtmcOptions::recovery_timeout_ms`] and [`UsbtmcOptions::max_polls`].
//!
//! [`UsbtmcOptions::recovery_timeout_ms`]: super::UsbtmcOptions::recovery_timeout_ms
//! [`UsbtmcOptions::max_polls`]: super::UsbtmcOptions::max_polls

use super::control::{self, Status};
use super::{Fault, TmcError, Usbtmc};
use crate::devices::timer::{Timer, within};
use crate::devices::{DeviceError, Direction};

/// What the session did after a failed transfer, so the instrument can take the next command.
#[derive(Debug, Clone, PartialEq)]
pub enum Recovery {
    /// The transfer was aborted (INITIATE_ABORT_BULK_IN/OUT), or there was nothing to abort.
    Aborted,
    /// The instrument was cleared (INITIATE_CLEAR): what it had received or was sending is gone.
    Cleared,
    /// Nothing needed undoing.
    Nothing,
    /// Recovery failed too, for this reason.
    Failed(String),
}

impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recovery::Aborted => write!(f, "the transfer was aborted and the instrument is ready for the next command"),
            Recovery::Cleared => {
                write!(f, "the instrument was cleared (USBTMC INITIATE_CLEAR) and is ready for the next command")
            }
            Recovery::Nothing => write!(f, "nothing was left half-done"),
            Recovery::Failed(why) => {
                write!(f, "recovering failed too ({why}): unplug the instrument and plug it back in")
            }
        }
    }
}

/// How many Bulk-IN reads a drain may take (each ends at a short packet or a timeout).
const MAX_DRAIN_READS: usize = 64;

/// The bulk transfer that failed, by direction and bTag.
#[derive(Clone, Copy)]
enum Bulk {
    In(u8),
    Out(u8),
}

impl Usbtmc {
    /// Handles a failed Bulk-IN transfer of request `tag`: aborts it on a timeout, clears the
    /// instrument on anything else, and says so in the error.
    pub(super) async fn recover_in(
        &mut self,
        timer: &(impl Timer + ?Sized),
        fault: Fault,
        tag: u8,
        timeout_ms: f64,
        during: &'static str,
    ) -> TmcError {
        self.recover(timer, fault, Bulk::In(tag), timeout_ms, during).await
    }

    /// Handles a failed Bulk-OUT transfer with bTag `tag`, like [`Usbtmc::recover_in`].
    pub(super) async fn recover_out(
        &mut self,
        timer: &(impl Timer + ?Sized),
        fault: Fault,
        tag: u8,
        timeout_ms: f64,
        during: &'static str,
    ) -> TmcError {
        self.recover(timer, fault, Bulk::Out(tag), timeout_ms, during).await
    }

    /// One recovery for both directions: a timeout aborts the transfer that timed out, any
    /// other fault clears the instrument.
    async fn recover(
        &mut self,
        timer: &(impl Timer + ?Sized),
        fault: Fault,
        transfer: Bulk,
        timeout_ms: f64,
        during: &'static str,
    ) -> TmcError {
        let error = match fault {
            Fault::Device(DeviceError::Disconnected) => {
                self.disconnected = true;
                return TmcError::Disconnected { during };
            }
            Fault::Timeout => {
                let recovery = match transfer {
                    Bulk::In(tag) => self.abort_bulk_in(timer, tag).await,
                    Bulk::Out(tag) => self.abort_bulk_out(timer, tag).await,
                };
                TmcError::Timeout { during, seconds: timeout_ms / 1000.0, recovery }
            }
            Fault::Protocol(detail) => {
                let recovery = self.clear_or_fail(timer).await;
                TmcError::Protocol { during, detail, recovery }
            }
            Fault::Device(error) => {
                let recovery = self.clear_or_fail(timer).await;
                TmcError::Transfer { during, error, recovery }
            }
        };
        if self.disconnected { TmcError::Disconnected { during } } else { error }
    }

    /// INITIATE_ABORT_BULK_IN for `tag`; on success reads the Bulk-IN endpoint up to the short
    /// packet that ends the aborted transfer and polls CHECK_ABORT_BULK_IN_STATUS (reading
    /// again while it says data is queued) until STATUS_SUCCESS. STATUS_FAILED means nothing
    /// was under way. Anything else falls back to clearing the instrument.
    async fn abort_bulk_in(&mut self, timer: &(impl Timer + ?Sized), tag: u8) -> Recovery {
        let endpoint = self.interface.bulk_in.address();
        let setup = control::to_endpoint(control::INITIATE_ABORT_BULK_IN, u16::from(tag), endpoint);
        let status = match self.control_in(timer, setup, control::ABORT_REPLY_LEN).await {
            Ok(r) => Status::from_byte(r[0]),
            Err(why) => return self.clear_after(timer, why).await,
        };
        match status {
            Status::Success => {}
            Status::Failed => return Recovery::Aborted,
            other => return self.clear_after(timer, format!("INITIATE_ABORT_BULK_IN answered {other}")).await,
        }
        if self.drain_in(timer).await.is_err() {
            return Recovery::Failed("the instrument was disconnected".into());
        }
        for _ in 0..self.options.max_polls {
            let setup = control::to_endpoint(control::CHECK_ABORT_BULK_IN_STATUS, 0, endpoint);
            let reply = match self.control_in(timer, setup, control::CHECK_ABORT_REPLY_LEN).await {
                Ok(r) => r,
                Err(why) => return self.clear_after(timer, why).await,
            };
            match Status::from_byte(reply[0]) {
                Status::Success => return Recovery::Aborted,
                Status::Pending if reply.get(1).is_some_and(|b| b & 1 != 0) => {
                    if self.drain_in(timer).await.is_err() {
                        return Recovery::Failed("the instrument was disconnected".into());
                    }
                }
                Status::Pending => timer.sleep(self.options.poll_interval_ms).await,
                other => {
                    return self.clear_after(timer, format!("CHECK_ABORT_BULK_IN_STATUS answered {other}")).await;
                }
            }
        }
        self.clear_after(timer, "the Bulk-IN abort never finished".into()).await
    }

    /// INITIATE_ABORT_BULK_OUT for `tag`; on success polls CHECK_ABORT_BULK_OUT_STATUS until
    /// STATUS_SUCCESS and clears the Bulk-OUT halt. Falls back to clearing the instrument.
    async fn abort_bulk_out(&mut self, timer: &(impl Timer + ?Sized), tag: u8) -> Recovery {
        let endpoint = self.interface.bulk_out.address();
        let setup = control::to_endpoint(control::INITIATE_ABORT_BULK_OUT, u16::from(tag), endpoint);
        let status = match self.control_in(timer, setup, control::ABORT_REPLY_LEN).await {
            Ok(r) => Status::from_byte(r[0]),
            Err(why) => return self.clear_after(timer, why).await,
        };
        match status {
            Status::Success => {}
            Status::Failed => {
                self.settle_out(timer).await;
                return Recovery::Aborted;
            }
            other => return self.clear_after(timer, format!("INITIATE_ABORT_BULK_OUT answered {other}")).await,
        }
        for _ in 0..self.options.max_polls {
            let setup = control::to_endpoint(control::CHECK_ABORT_BULK_OUT_STATUS, 0, endpoint);
            let reply = match self.control_in(timer, setup, control::CHECK_ABORT_REPLY_LEN).await {
                Ok(r) => r,
                Err(why) => return self.clear_after(timer, why).await,
            };
            match Status::from_byte(reply[0]) {
                Status::Success => {
                    self.clear_halt(timer, Direction::Out).await;
                    self.settle_out(timer).await;
                    return if self.disconnected {
                        Recovery::Failed("the instrument was disconnected".into())
                    } else {
                        Recovery::Aborted
                    };
                }
                Status::Pending => timer.sleep(self.options.poll_interval_ms).await,
                other => {
                    return self.clear_after(timer, format!("CHECK_ABORT_BULK_OUT_STATUS answered {other}")).await;
                }
            }
        }
        self.clear_after(timer, "the Bulk-OUT abort never finished".into()).await
    }

    async fn clear_after(&mut self, timer: &(impl Timer + ?Sized), abort_failed: String) -> Recovery {
        if self.disconnected {
            return Recovery::Failed("the instrument was disconnected".into());
        }
        match self.clear_instrument(timer).await {
            Ok(()) => Recovery::Cleared,
            Err(why) => Recovery::Failed(format!("{abort_failed}; then {why}")),
        }
    }

    async fn clear_or_fail(&mut self, timer: &(impl Timer + ?Sized)) -> Recovery {
        match self.clear_instrument(timer).await {
            Ok(()) => Recovery::Cleared,
            Err(why) => Recovery::Failed(why),
        }
    }

    /// INITIATE_CLEAR, CHECK_CLEAR_STATUS until STATUS_SUCCESS (reading the Bulk-IN endpoint
    /// while it says data is queued), then the Bulk-OUT halt is cleared.
    pub(super) async fn clear_instrument(&mut self, timer: &(impl Timer + ?Sized)) -> Result<(), String> {
        let interface = self.interface.number;
        let setup = control::to_interface(control::INITIATE_CLEAR, 0, interface);
        let reply = self.control_in(timer, setup, control::CLEAR_REPLY_LEN).await?;
        let status = Status::from_byte(reply[0]);
        if status != Status::Success {
            return Err(format!("INITIATE_CLEAR answered {status}"));
        }
        for _ in 0..self.options.max_polls {
            let setup = control::to_interface(control::CHECK_CLEAR_STATUS, 0, interface);
            let reply = self.control_in(timer, setup, control::CHECK_CLEAR_REPLY_LEN).await?;
            match Status::from_byte(reply[0]) {
                Status::Success => {
                    self.clear_halt(timer, Direction::Out).await;
                    self.settle_out(timer).await;
                    return if self.disconnected { Err("the instrument was disconnected".into()) } else { Ok(()) };
                }
                Status::Pending if reply.get(1).is_some_and(|b| b & 1 != 0) => {
                    self.drain_in(timer).await.map_err(|_| "the instrument was disconnected".to_owned())?;
                }
                Status::Pending => timer.sleep(self.options.poll_interval_ms).await,
                other => return Err(format!("CHECK_CLEAR_STATUS answered {other}")),
            }
        }
        Err("the instrument never finished clearing (CHECK_CLEAR_STATUS kept answering STATUS_PENDING)".into())
    }

    /// Reads and drops Bulk-IN data up to a short packet (the end of a transfer), or until
    /// nothing comes within the recovery timeout. `Err` only when the device is gone.
    async fn drain_in(&mut self, timer: &(impl Timer + ?Sized)) -> Result<(), ()> {
        let packet = usize::from(self.interface.bulk_in.packet_size.max(1));
        let length = self.in_length(super::FIRST_READ);
        for _ in 0..MAX_DRAIN_READS {
            match self.bulk_in(timer, self.options.recovery_timeout_ms, length).await {
                Ok(chunk) if chunk.is_empty() || !chunk.len().is_multiple_of(packet) => return Ok(()),
                Ok(_) => {}
                Err(Fault::Timeout) => return Ok(()),
                Err(Fault::Device(DeviceError::Disconnected)) => {
                    self.disconnected = true;
                    return Err(());
                }
                Err(_) => return Ok(()),
            }
        }
        Ok(())
    }

    /// Clears the halt of the Bulk-OUT (or Bulk-IN) endpoint; hosts that cannot are skipped.
    async fn clear_halt(&mut self, timer: &(impl Timer + ?Sized), direction: Direction) {
        let number = match direction {
            Direction::Out => self.interface.bulk_out.number,
            Direction::In => self.interface.bulk_in.number,
        };
        let done = within(timer, self.options.recovery_timeout_ms, self.device.clear_halt(direction, number)).await;
        if let Some(Err(DeviceError::Disconnected)) = done {
            self.disconnected = true;
        }
    }

    /// Gives a Bulk-OUT transfer that timed out the recovery timeout to finish (an abort
    /// usually ends it), then forgets it.
    async fn settle_out(&mut self, timer: &(impl Timer + ?Sized)) {
        if let Some(fut) = self.pending_out.take()
            && let Some(Err(DeviceError::Disconnected)) = within(timer, self.options.recovery_timeout_ms, fut).await
        {
            self.disconnected = true;
        }
    }
}
