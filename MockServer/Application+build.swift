import Hummingbird
import HummingbirdCore
import Logging

/// Builds the mock's application: both faces and the control API over one store, the problem
/// middleware, and the webhook dispatcher as a service. Shared by `handoff mock`, the demo and the tests.
///
/// - Parameter onServerRunning: called with the bound port once the server listens (useful with port 0).
public func buildApplication(
    config: MockConfiguration, store: SupportStore, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let faults = FaultInjector(defaultPlan: config.faults)
    let router = buildRouter(config: config, store: store, faults: faults)
    var app = Application(
        router: router,
        // A connection with no request for `idleTimeout`, or stuck half-way through one, is closed; past
        // `maxConnections` new connections wait in the kernel's backlog until one closes.
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [SlowReaderLimit()], idleTimeout: .seconds(config.idleTimeoutSeconds))),
        configuration: .init(
            address: .hostname(config.host, port: config.port), serverName: "handoff-mock",
            availableConnectionsDelegate: MaximumAvailableConnections(config.maxConnections, logger: logger)),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? config.port) },
        logger: logger)
    app.addServices(
        WebhookDispatcher(
            store: store, policy: config.webhookRetry, faults: faults, logger: logger, probes: config.probeWebhooks,
            allowRemote: config.allowRemoteWebhooks))
    app.addServices(personaDirector(clock: config.personaClock, store: store, logger: logger))
    app.addServices(AllocatorTuning(interval: .seconds(10)))
    app.addServices(WALCheckpointer(store: store, logger: logger))
    return app
}

/// The router alone: every route of the neutral API, the control API and the meta routes.
func buildRouter(
    config: MockConfiguration, store: SupportStore, faults: FaultInjector = FaultInjector(),
    recorder routes: RouteRecorder = RouteRecorder()
) -> Router<MockRequestContext> {
    let router = Router(context: MockRequestContext.self, options: .autoGenerateHeadEndpoints)
    // Middleware applies to the routes added after it, so it goes first; it reads the route
    // table only when a request arrives, by which time every route is recorded.
    // Outermost: a request that names this mock under a foreign host name (DNS rebinding) is not for it.
    router.middlewares.add(HostCheckMiddleware(listenHost: config.host, extra: config.allowedHosts))
    router.middlewares.add(JournalMiddleware(store: store))
    let diskFull = DiskFullReport(path: store.path)
    router.middlewares.add(ProblemMiddleware(routes: routes, defects: store.defects, diskFull: diskFull))

    MetaController().register(router, routes)
    DeskPageController().register(router, routes)

    // One limiter for both authenticated groups, so a token has one bucket.
    let limiter = config.rateLimit.map { RateLimiter(rate: $0, clock: ContinuousClock()) }
    let v1 = router.group("v1").add(middleware: TokenAuthenticator(store: store)).limited(by: limiter)
        .add(middleware: FaultMiddleware(faults: faults))
    UsersController(store: store).register(v1.group("users"), routes)
    ConversationsController(store: store).register(v1.group("conversations"), routes)
    MessagesController(store: store).register(v1.group("conversations"), routes)
    TeamsController(store: store).register(v1.group("teams"), routes)
    EventsController(store: store).register(v1.group("events"), routes)
    WebhooksController(store: store, allowRemote: config.allowRemoteWebhooks).register(v1.group("webhooks"), routes)

    var chatwoot = router.group("api/v1")
    if let path = config.chatwootCapturePath {
        chatwoot = chatwoot.add(middleware: ChatwootCaptureMiddleware(capture: ChatwootCapture(path: path)))
    }
    chatwoot = chatwoot.add(middleware: ChatwootErrorMiddleware(diskFull: diskFull)).add(middleware: ChatwootAuthenticator(store: store))
    let account = chatwoot.group("accounts/:account_id").add(middleware: ChatwootAccountCheck())
        .add(middleware: FaultMiddleware(faults: faults))
    let accountBase = "/api/v1/accounts/:account_id"
    ChatwootAccountController(store: store, allowRemoteWebhooks: config.allowRemoteWebhooks).register(
        profile: chatwoot, account: account, routes, base: accountBase)
    ChatwootContactsController(store: store).register(account, routes, base: accountBase)
    ChatwootConversationsController(store: store).register(account, routes, base: accountBase)

    let control = router.group("mock/v1")
    let authenticated = control.group().add(middleware: TokenAuthenticator(store: store)).limited(by: limiter)
    WorkspacesController(store: store).register(open: control, authenticated: authenticated, routes)
    TeamsControlController(store: store).register(authenticated, routes)
    AgentActionsController(store: store).register(authenticated, routes)
    DeliveriesController(store: store).register(authenticated, routes)
    FaultsController(faults: faults).register(authenticated, routes)
    JournalController(store: store).register(authenticated, routes)
    PersonasController(store: store).register(authenticated, routes)
    DeskController(store: store).register(authenticated, routes)
    AgentTransferController(store: store).register(authenticated, routes)

    return router
}

extension RouterGroup where Context == MockRequestContext {
    /// The group behind the rate limiter, or itself when there is none.
    fileprivate func limited(by limiter: RateLimiter<ContinuousClock>?) -> RouterGroup<Context> {
        guard let limiter else { return self }
        return add(middleware: limiter)
    }
}
