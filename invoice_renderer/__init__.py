"""Customer statements rendered from the invoice marts, Korean first."""
