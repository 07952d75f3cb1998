// Placeholder: this module's tests are being written.
