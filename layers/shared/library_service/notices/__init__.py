"""Notices pushed to patrons through LINE when something happens at the library (a hold is
ready, its pickup deadline or a loan's due date is tomorrow). Knows LINE messages and the
patron directory, not AWS event shapes."""
