"""Notices (通知): who is told what, the outbox, channels, the delivery worker, the inbox."""
