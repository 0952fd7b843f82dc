"""The built units: one extension module per (device, dtype), named ``<device>_<dtype>``."""
