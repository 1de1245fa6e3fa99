import HandoffContract

/// Intent-based routing: which support team a conversation goes to. Filled by the routing issue.
public enum HandoffRouting {}
