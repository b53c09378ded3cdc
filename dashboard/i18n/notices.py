"""The bell's texts (merged into the one catalogue in dashboard/i18n/__init__.py)."""
NOTICES_TEXT = {
    "bell": ("通知", "Notices"),
    "bell_unread": ("未读通知", "unread notices"),
    "bell_empty": ("暂无通知", "No notices"),
    "bell_read_all": ("全部标为已读", "Mark all read"),
    "bell_failed": ("通知暂时无法读取", "Notices cannot be read just now"),
}
