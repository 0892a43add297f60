"""Rules that build a target for another platform than the current one."""

load("//platforms/private:platform_binary.bzl", _platform_binary = "platform_binary")

platform_binary = _platform_binary
