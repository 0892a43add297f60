//! Reads the two ELF facts that decide whether a file can run in an image:
//! the machine it was built for and the dynamic loader it requests.

/// The facts read from an ELF header.
#[derive(Debug, PartialEq, Eq)]
pub struct ElfInfo {
    /// `e_machine`, such as 62 for x86-64.
    pub machine: u16,
    /// The `PT_INTERP` path; `None` for a static executable.
    pub interpreter: Option<String>,
}

const PT_INTERP: u32 = 3;

/// Returns true when `bytes` starts with the ELF magic number.
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF")
}

/// Image architectures (GOARCH spelling) with their `e_machine` value and
/// the name of that machine.
const MACHINES: [(&str, u16, &str); 7] = [
    ("amd64", 62, "x86-64"),
    ("arm64", 183, "AArch64"),
    ("386", 3, "i386"),
    ("arm", 40, "ARM"),
    ("ppc64le", 21, "PowerPC64"),
    ("riscv64", 243, "RISC-V"),
    ("s390x", 22, "S/390"),
];

/// Returns the `e_machine` value that an image architecture requires, and its name.
pub fn machine_for_architecture(architecture: &str) -> Option<(u16, &'static str)> {
    MACHINES
        .iter()
        .find(|(arch, _, _)| *arch == architecture)
        .map(|(_, machine, name)| (*machine, *name))
}

/// Returns a readable name for an `e_machine` value.
pub fn machine_name(machine: u16) -> String {
    MACHINES
        .iter()
        .find(|(_, value, _)| *value == machine)
        .map_or_else(
            || format!("machine {machine}"),
            |(_, _, name)| (*name).to_owned(),
        )
}

/// Parses a little- or big-endian, 32- or 64-bit ELF file.
pub fn parse(bytes: &[u8]) -> Option<ElfInfo> {
    if !is_elf(bytes) || bytes.len() < 52 {
        return None;
    }
    let is_64 = match bytes[4] {
        1 => false,
        2 => true,
        _ => return None,
    };
    let little = match bytes[5] {
        1 => true,
        2 => false,
        _ => return None,
    };
    let read = |offset: usize, width: usize| -> Option<u64> {
        let field = bytes.get(offset..offset + width)?;
        let mut value = 0u64;
        for i in 0..width {
            let byte = if little {
                field[width - 1 - i]
            } else {
                field[i]
            };
            value = (value << 8) | u64::from(byte);
        }
        Some(value)
    };
    let machine = read(18, 2)? as u16;
    let (phoff, phentsize, phnum) = if is_64 {
        (read(32, 8)?, read(54, 2)?, read(56, 2)?)
    } else {
        (read(28, 4)?, read(42, 2)?, read(44, 2)?)
    };
    let mut interpreter = None;
    for index in 0..phnum {
        let header = usize::try_from(phoff + index * phentsize).ok()?;
        if read(header, 4)? as u32 != PT_INTERP {
            continue;
        }
        let (offset, size) = if is_64 {
            (read(header + 8, 8)?, read(header + 32, 8)?)
        } else {
            (read(header + 4, 4)?, read(header + 16, 4)?)
        };
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        let raw = bytes.get(start..end)?;
        let path = raw.split(|byte| *byte == 0).next().unwrap_or_default();
        interpreter = Some(String::from_utf8_lossy(path).into_owned());
    }
    Some(ElfInfo {
        machine,
        interpreter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a 64-bit little-endian ELF header with one program header,
    /// which is PT_INTERP when `interpreter` is given.
    fn elf64(machine: u16, interpreter: Option<&str>) -> Vec<u8> {
        let mut bytes = vec![0u8; 64 + 56];
        bytes[..4].copy_from_slice(b"\x7fELF");
        bytes[4] = 2;
        bytes[5] = 1;
        bytes[18..20].copy_from_slice(&machine.to_le_bytes());
        bytes[32..40].copy_from_slice(&64u64.to_le_bytes());
        bytes[54..56].copy_from_slice(&56u16.to_le_bytes());
        bytes[56..58].copy_from_slice(&1u16.to_le_bytes());
        if let Some(path) = interpreter {
            let offset = bytes.len() as u64;
            bytes[64..68].copy_from_slice(&PT_INTERP.to_le_bytes());
            bytes[72..80].copy_from_slice(&offset.to_le_bytes());
            bytes[96..104].copy_from_slice(&(path.len() as u64 + 1).to_le_bytes());
            bytes.extend_from_slice(path.as_bytes());
            bytes.push(0);
        } else {
            bytes[64..68].copy_from_slice(&1u32.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn static_x86_64_has_no_interpreter() {
        let info = parse(&elf64(62, None)).unwrap();
        assert_eq!(info.machine, 62);
        assert_eq!(info.interpreter, None);
    }

    #[test]
    fn dynamic_executable_reports_interpreter() {
        let info = parse(&elf64(183, Some("/lib/ld-linux-aarch64.so.1"))).unwrap();
        assert_eq!(info.machine, 183);
        assert_eq!(
            info.interpreter.as_deref(),
            Some("/lib/ld-linux-aarch64.so.1")
        );
    }

    #[test]
    fn non_elf_is_rejected() {
        assert_eq!(parse(b"#!/bin/sh\necho hi\n"), None);
    }

    #[test]
    fn truncated_header_is_rejected() {
        assert_eq!(parse(&elf64(62, None)[..40]), None);
    }
}
