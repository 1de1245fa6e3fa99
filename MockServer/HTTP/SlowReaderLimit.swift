import NIOCore

/// Keeps a client that sends requests and never reads the answers from costing the others: each connection may
/// hold only a small amount of unread answers (a 64 KiB kernel send buffer and NIO's 64 KiB high-water mark).
/// Once they are full the mock stops answering, and so stops reading, that connection until the client reads;
/// the work and the memory it can take stay bounded, whatever it pipelines.
final class SlowReaderLimit: ChannelInboundHandler, RemovableChannelHandler {
    /// Whatever the codec hands on; this handler only sets options and passes every read along untouched.
    typealias InboundIn = Any

    /// Bytes taken from a connection per read.
    static let readSize = 4 * 1024

    /// Bytes of answers a connection may have waiting in the kernel.
    static let sendBuffer: SocketOptionValue = 64 * 1024

    func handlerAdded(context: ChannelHandlerContext) {
        let options = context.channel.syncOptions
        try? options?.setOption(ChannelOptions.socketOption(.so_sndbuf), value: Self.sendBuffer)
        try? options?.setOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 16 * 1024, high: 64 * 1024))
        // Small reads: a client that pipelines thousands of requests has them decoded and queued by the HTTP
        // pipeline a read at a time, so a 64 KiB read held about 600 parsed requests (about 1 MB) per connection.
        try? options?.setOption(ChannelOptions.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: Self.readSize))
    }
}
