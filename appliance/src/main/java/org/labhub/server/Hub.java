package org.labhub.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.labhub.archives.ArchiveAccess;
import org.labhub.archives.PreservePages;
import org.labhub.archives.ArchiveDeletion;
import org.labhub.archives.ArchiveImport;
import org.labhub.archives.ArchiveLinkPages;
import org.labhub.archives.ArchiveLinks;
import org.labhub.archives.ArchivePages;
import org.labhub.archives.ArchiveRuns;
import org.labhub.archives.ArchiveShareStore;
import org.labhub.archives.ArchiveSharing;
import org.labhub.archives.ArchiveSharingApi;
import org.labhub.archives.ArchiveStore;
import org.labhub.archives.Archives;
import org.labhub.archives.ArchivesApi;
import org.labhub.archives.Preserve;
import org.labhub.archives.Rerun;
import org.labhub.audit.AuditLog;
import org.labhub.audit.AuditRoutes;
import org.labhub.auth.ApiTokens;
import org.labhub.auth.Authenticator;
import org.labhub.auth.CsrfGuard;
import org.labhub.auth.LoginRoutes;
import org.labhub.auth.LoginThrottle;
import org.labhub.auth.PasswordHasher;
import org.labhub.auth.PasswordLogin;
import org.labhub.auth.Secrets;
import org.labhub.auth.Sessions;
import org.labhub.backup.Backup;
import org.labhub.catalog.Catalog;
import org.labhub.catalog.DataRootLock;
import org.labhub.config.LabhubConfig;
import org.labhub.config.SitePaths;
import org.labhub.datasets.AdminDatasetPages;
import org.labhub.datasets.DatasetFolders;
import org.labhub.datasets.DatasetStore;
import org.labhub.datasets.Datasets;
import org.labhub.datasets.DatasetsApi;
import org.labhub.dav.DavRoutes;
import org.labhub.environments.AdminEnvironmentPages;
import org.labhub.environments.AdminProfilePages;
import org.labhub.environments.EnvironmentScanner;
import org.labhub.environments.EnvironmentStore;
import org.labhub.environments.Environments;
import org.labhub.environments.EnvironmentsApi;
import org.labhub.environments.ImagePackages;
import org.labhub.environments.ProfileStore;
import org.labhub.environments.Profiles;
import org.labhub.environments.ProfilesApi;
import org.labhub.files.FileNamespace;
import org.labhub.files.FilesApi;
import org.labhub.files.FilesPages;
import org.labhub.files.TrashApi;
import org.labhub.files.UploadsApi;
import org.labhub.jobs.JobStore;
import org.labhub.jobs.Jobs;
import org.labhub.jobs.JobsApi;
import org.labhub.jobs.JobsPages;
import org.labhub.ops.HubMetrics;
import org.labhub.ops.OpenApi;
import org.labhub.ops.OpsRoutes;
import org.labhub.podman.PodmanService;
import org.labhub.proxy.NotebookProxy;
import org.labhub.quotas.AdminStoragePages;
import org.labhub.runs.NotebookRuns;
import org.labhub.quotas.Quotas;
import org.labhub.quotas.QuotasApi;
import org.labhub.quotas.UsageTable;
import org.labhub.runs.PodmanNotebookRuns;
import org.labhub.shares.PublicLinkPages;
import org.labhub.search.IndexUnusable;
import org.labhub.search.LuceneIndex;
import org.labhub.search.SearchFreshness;
import org.labhub.search.SearchRoutes;
import org.labhub.search.SearchService;
import org.labhub.shares.PublicLinks;
import org.labhub.shares.ShareGrants;
import org.labhub.shares.ShareStore;
import org.labhub.shares.Shares;
import org.labhub.shares.SharesApi;
import org.labhub.spawner.AdminServerPages;
import org.labhub.spawner.DashboardPage;
import org.labhub.spawner.DatasetMounts;
import org.labhub.spawner.NotebookClient;
import org.labhub.spawner.JobFiles;
import org.labhub.spawner.NotebookContainers;
import org.labhub.spawner.NotebookTokens;
import org.labhub.spawner.ServerStore;
import org.labhub.spawner.ServersApi;
import org.labhub.spawner.ShareAcls;
import org.labhub.spawner.SharedFolders;
import org.labhub.spawner.Spawner;
import org.labhub.storage.AtomicFiles;
import org.labhub.storage.FileEvents;
import org.labhub.storage.FileStore;
import org.labhub.storage.HomeFileStore;
import org.labhub.storage.Homes;
import org.labhub.storage.HostIds;
import org.labhub.storage.Location;
import org.labhub.storage.ObservedFileStore;
import org.labhub.users.AccountPages;
import org.labhub.users.Accounts;
import org.labhub.users.AdminGroupPages;
import org.labhub.users.AdminUserPages;
import org.labhub.users.GroupStore;
import org.labhub.users.Groups;
import org.labhub.users.GroupsApi;
import org.labhub.users.QuotaStore;
import org.labhub.users.TokensApi;
import org.labhub.users.UserStore;
import org.labhub.users.UsersApi;
import org.labhub.users.WorkshopRoutes;
import org.labhub.web.ErrorResponses;
import org.labhub.web.Flash;
import org.labhub.web.HiddenErrorHandler;
import org.labhub.web.Pages;
import org.labhub.web.Route;
import org.labhub.web.Router;
import org.labhub.web.Routes;
import org.labhub.web.SecurityHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running hub, composed on one screen: every feature is built here with plain constructors from the
 * immutable config, its routes collected into one router, and the whole served by one Jetty server.
 */
public final class Hub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Hub.class);
    /** Version of the API contract in docs/openapi.json; changes only when the API does. */
    public static final String API_VERSION = "0.1.0";
    public static final String VERSION = Optional.ofNullable(Hub.class.getPackage().getImplementationVersion()).orElse("dev");
    /** Connections the kernel may hold for the hub before it accepts them. */
    private static final int ACCEPT_QUEUE = 1024;

    /** How long start-up waits for Podman to answer before serving anyway (and reporting it in /api/health). */
    private static final Duration PODMAN_READY_WAIT = Duration.ofSeconds(10);

    private final DataRootLock lock;
    private final Catalog catalog;
    private final PodmanService podman;
    private final Spawner spawner;
    private final NotebookClient notebooks;
    private final Server server;
    private final ControlServer control;
    private final ScheduledExecutorService maintenance;
    private final Router router;
    private final Optional<String> firstAdminPassword;
    private final boolean tls;
    private final Sharing sharing;
    private final Search search;
    private final PodmanNotebookRuns runs;
    /** Preserve and re-run workers: stopped after the run engine has ended their runs, before the catalog closes. */
    private final List<AutoCloseable> archiveWorkers;
    /** Ends the long-lived responses (live job logs) before the server's graceful stop, which would wait for them. */
    private final Runnable endStreams;

    /** Shares, public links, and the file namespace built on them, for the file layer (WebDAV, file API, /s/ pages). */
    public record Sharing(Shares shares, PublicLinks links, FileNamespace files) {}

    /** The search index and the file store it reads, for the freshness machinery (and tests) that fill it. */
    public record Search(LuceneIndex index, FileStore files, SearchFreshness freshness) {}

    private Hub(DataRootLock lock, Catalog catalog, PodmanService podman, Spawner spawner, NotebookClient notebooks,
                Server server, ControlServer control, ScheduledExecutorService maintenance, Router router,
                Optional<String> firstAdminPassword, boolean tls, Sharing sharing, Search search, PodmanNotebookRuns runs,
                List<AutoCloseable> archiveWorkers, Runnable endStreams) {
        this.lock = lock;
        this.catalog = catalog;
        this.podman = podman;
        this.spawner = spawner;
        this.notebooks = notebooks;
        this.server = server;
        this.control = control;
        this.maintenance = maintenance;
        this.router = router;
        this.firstAdminPassword = firstAdminPassword;
        this.tls = tls;
        this.sharing = sharing;
        this.search = search;
        this.runs = runs;
        this.archiveWorkers = archiveWorkers;
        this.endStreams = endStreams;
    }

    public static Hub start(LabhubConfig config) throws Exception {
        SitePaths paths = new SitePaths(config.dataRoot());
        DataRootLock lock = DataRootLock.acquire(paths.lockFile());
        Catalog catalog = null;
        PodmanService podman = null;
        try {
            prepareFolders(paths);
            // Started first so that Podman comes up while the catalog opens; a missing Podman does not stop the hub.
            podman = PodmanService.start(config.podman().socket(), paths.run().resolve("podman/podman.sock"), config.podman().runtime());
            catalog = Catalog.open(paths.db());
            return compose(config, paths, lock, catalog, podman);
        } catch (Exception | Error e) {
            if (podman != null) {
                podman.close();
            }
            if (catalog != null) {
                catalog.close();
            }
            lock.close();
            throw e;
        }
    }

    private static Hub compose(LabhubConfig config, SitePaths paths, DataRootLock lock, Catalog catalog, PodmanService podman)
            throws Exception {
        Clock clock = Clock.systemUTC();
        var db = catalog.jdbi();

        AuditLog audit = new AuditLog(db, clock);
        UserStore users = new UserStore(db);
        GroupStore groupStore = new GroupStore(db);
        PasswordHasher hasher = new PasswordHasher(config.auth().argon2());
        Sessions sessions = new Sessions(db, clock, config.auth().sessionIdleTimeout(), config.auth().sessionMaxAge());
        ApiTokens tokens = new ApiTokens(db, clock);
        LoginThrottle throttle = new LoginThrottle(config.auth().throttle(), clock);
        PasswordLogin passwords = new PasswordLogin(users, hasher, throttle, audit, clock);
        Homes homes = new Homes(paths.homes());
        byte[] secret = secretKey(paths);

        // Environments (kernel images) and resource profiles: what users may start, and with how much.
        EnvironmentStore environmentStore = new EnvironmentStore(db);
        // Archives name images that must never be removed from this host (an archive kept by reference has no other copy).
        ArchiveStore archiveStore = new ArchiveStore(db, paths.archives());
        ProfileStore profileStore = new ProfileStore(db);
        ImagePackages imagePackages = new ImagePackages(podman.client());
        EnvironmentScanner kernelScanner = new EnvironmentScanner(environmentStore, podman.client(), imagePackages, audit, clock);
        Environments environments = new Environments(environmentStore, podman.client(), imagePackages, audit, clock,
                archiveStore::referencedImageDigests);
        Profiles profiles = new Profiles(profileStore, groupStore, audit, clock);
        profiles.seedDefaults(clock.instant());
        NotebookClient notebooks = new NotebookClient();
        NotebookContainers notebookContainers = new NotebookContainers(hubId(paths), paths.userRuns(), homes,
                config.podman().runtime(), config.spawner().stopTimeout());
        // Users' files, and who may reach them: the home store (never follows links; quota; trash), shares, links.
        Quotas quotas = new Quotas(new QuotaStore(db), users, audit, config.storage().defaultQuotaBytes());
        FileStore homeStore = new HomeFileStore(paths.homes(), paths.staging(), paths.trash(), quotas::bytesOf,
                owner -> { OptionalLong id = users.idOf(owner); return id.isPresent() ? OptionalLong.of(HostIds.owner(id.getAsLong())) : id; }, clock);
        ShareStore shareStore = new ShareStore(db);
        ShareGrants shareGrants = new ShareGrants(shareStore, groupStore, users, clock);
        // Running containers reach shared items through ACLs: a revoked or narrowed share takes them back at once.
        ShareAcls shareAcls = new ShareAcls(paths.homes(), shareGrants, users);
        Shares shares = new Shares(shareStore, shareGrants, users, groupStore, hasher, audit, clock, item -> exists(homeStore, item),
                shareAcls);
        // Search: the index is derived from the homes (read through the home store); watching, reconcile and the
        // hub's own moves keep it fresh.
        LuceneIndex searchIndex = openIndex(paths, homeStore, config);
        SearchFreshness freshness = SearchFreshness.of(paths.homes(), homeStore, searchIndex, config.search());
        // Every feature gets this one: what the hub moves or deletes takes its shares along, and search looks again.
        FileStore fileStore = new ObservedFileStore(homeStore, FileEvents.all(shares.fileEvents(), freshness.fileEvents()));
        PublicLinks publicLinks = new PublicLinks(shareStore, shareGrants, hasher, new LoginThrottle(config.auth().throttle(), clock), secret, clock);
        FileNamespace namespace = new FileNamespace(shareGrants);

        ServerStore serverStore = new ServerStore(db);
        SharedFolders sharedFolders = new SharedFolders(shareGrants, shareAcls);
        // Datasets: host folders an admin registers, mounted read-only at /data/<name> at each start (ADR 0013).
        DatasetFolders datasetFolders = new DatasetFolders(paths.root(), paths.datasets());
        Datasets datasets = new Datasets(new DatasetStore(db), datasetFolders, groupStore, audit, clock);
        DatasetMounts datasetMounts = new DatasetMounts(datasets, datasetFolders, users, groupStore);
        Spawner spawner = new Spawner(serverStore, environments, profiles, profileStore, groupStore, podman.client(),
                notebooks, notebookContainers, sharedFolders, datasetMounts, new NotebookTokens(secret), audit, clock, config.spawner());

        // One engine runs notebooks without a person at the keyboard (batch jobs, preserve runs), hardened like servers.
        PodmanNotebookRuns runs = new PodmanNotebookRuns(podman.client(), notebookContainers, environments, profiles, users,
                groupStore, paths.runEngine(), config.runs(), clock);

        Accounts accounts = new Accounts(users, hasher, sessions, homes, paths.retainedHomes(), audit, clock, spawner::stopAllOf);
        Groups groups = new Groups(groupStore, users, audit, clock);


        ServersApi serversApi = new ServersApi(spawner, accounts);
        Pages pages = new Pages(new Flash(secret), config.auth().signup());
        TokensApi tokensApi = new TokensApi(accounts, tokens, audit);
        HubMetrics metrics = new HubMetrics(users::count, serverStore::countByState);
        metrics.watchSearch(freshness::watchedFolders, () -> freshness.unwatchedHomes().size());

        DavRoutes dav = new DavRoutes(fileStore, namespace, paths.davProps(), clock);
        List<Routes.Provider> features = new ArrayList<>(List.of(
                new DashboardPage(pages, groupStore, spawner, environments, profiles, config.spawner(),
                        user -> FilesPages.usageOf(fileStore, user), datasets),
                new LoginRoutes(passwords, sessions, accounts, audit, pages, config.auth().sessionMaxAge(), config.auth().signup()),
                new AccountPages(accounts, groupStore, tokens, tokensApi, sessions, pages, config.auth().sessionMaxAge()),
                new AdminUserPages(accounts, users, groupStore, pages),
                new AdminGroupPages(groups, users, pages),
                new WorkshopRoutes(accounts, pages, clock),
                new AdminServerPages(spawner, accounts, pages, clock),
                new AuditRoutes(audit, pages),
                new UsersApi(accounts, users, groupStore, serversApi::serversOf),
                serversApi,
                tokensApi,
                new GroupsApi(groups),
                new SharesApi(shares, namespace),
                dav));
        UsageTable usage = new UsageTable(fileStore, quotas, users);
        features.addAll(List.of(new QuotasApi(quotas, usage, users), new AdminStoragePages(quotas, usage, users, pages)));
        features.addAll(List.of(new FilesApi(fileStore, namespace), new TrashApi(fileStore),
                new UploadsApi(fileStore, namespace, paths.uploads(), clock), new FilesPages(fileStore, namespace, pages)));
        features.add(new PublicLinkPages(publicLinks, fileStore, pages, dav.forLinks(publicLinks)));
        features.add(new SearchRoutes(new SearchService(searchIndex, shareGrants, freshness::catchingUp,
                (int) config.search().maxTextBytes()), pages));
        features.addAll(List.of(new EnvironmentsApi(environments, kernelScanner), new ProfilesApi(profiles, groupStore),
                new AdminEnvironmentPages(environments, kernelScanner, pages), new AdminProfilePages(profiles, groupStore, pages)));
        Jobs jobs = new Jobs(new JobStore(db), runs, new JobFiles(notebookContainers, sharedFolders, datasetMounts), fileStore,
                namespace, paths.runs(), audit, clock);
        JobsApi jobsApi = new JobsApi(jobs, clock);
        features.addAll(List.of(jobsApi, new JobsPages(jobs, pages, groupStore, environments, profiles, clock)));
        features.addAll(List.of(new DatasetsApi(datasets, groupStore),
                new AdminDatasetPages(datasets, groupStore, pages, paths.datasets().toString())));
        NotebookRuns notebookRuns = runs;
        // Preserved analyses (ADR 0016): bags under <data>/archives/, run and re-run by the shared run engine.
        archiveStore.clearStaging();
        archiveStore.finishDeletions();
        Preserve.clearLeftovers(paths.runs());
        Archives archives = new Archives(archiveStore, audit, clock);
        ArchiveRuns archiveRuns = new ArchiveRuns(db);
        Preserve preserve = new Preserve(archiveStore, fileStore, environments, notebookRuns, podman.client(), paths.runs(), audit, clock);
        Rerun rerun = new Rerun(archives, archiveRuns, environments, notebookRuns, podman.client(), paths.runs(), audit, clock);
        // Who sees an archive is asked of one place (owner, admins, grants to users and groups, public, links).
        ArchiveShareStore archiveShares = new ArchiveShareStore(db);
        ArchiveAccess archiveAccess = new ArchiveAccess(archiveStore, archiveShares, clock);
        ArchiveSharing archiveSharing = new ArchiveSharing(archiveStore, archiveShares, users, groupStore, hasher, audit, clock);
        ArchiveDeletion archiveDeletion = new ArchiveDeletion(archiveStore, archiveRuns, audit);
        ArchivePages archivePages = new ArchivePages(archives, archiveAccess, archiveSharing, archiveRuns, pages, config.http().publicUrl(),
                archiveDeletion);
        // Archive links have a password throttle of their own, like file links: guessing never locks out a login.
        ArchiveLinks archiveLinks = new ArchiveLinks(archiveAccess, hasher, new LoginThrottle(config.auth().throttle(), clock), secret, clock);
        features.addAll(List.of(new ArchivesApi(archives, archiveAccess, preserve, rerun, archiveRuns,
                        new ArchiveImport(archiveStore, config.archives().maxImportBytes()), fileStore, audit, archiveDeletion, archiveSharing),
                // before the archive pages: /archives/new is a page of its own, not the archive "new"
                new PreservePages(preserve, environments, profiles, groupStore, pages),
                new ArchiveSharingApi(archiveAccess, archiveSharing), archivePages,
                new ArchiveLinkPages(archiveLinks, archives, archivePages, pages)));

        Routes routes = new Routes();
        // The API description is generated, at first request, from the finished route table.
        features.add(new OpsRoutes(catalog, podman::health, freshness::health, metrics, new OpenApi(routes::list, API_VERSION)));
        features.forEach(f -> f.register(routes));

        Authenticator authenticator = new Authenticator(sessions, tokens, users, passwords, clock);
        ErrorResponses errorPages = new ErrorResponses(pages);
        CsrfGuard csrf = new CsrfGuard(config.http().publicUrl());
        Router router = new Router(routes.list(), authenticator, csrf, errorPages, metrics);
        // In front of the hub's own routes: /user/<name>/… (and user hosts) go to the users' notebook servers.
        Function<Handler, Handler> notebookProxy = hubHandler -> new NotebookProxy(hubHandler, authenticator, csrf, serverStore, spawner,
                sessions, users, errorPages, audit, secret, config, clock, metrics);

        Optional<String> firstAdmin = firstAdmin(accounts, users, paths, config.auth().adminUser());

        Server server = jetty(config, paths, router, notebookProxy);
        ControlServer control = new ControlServer(paths.controlSocket(), new Backup(catalog, paths), freshness);
        ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "maintenance");
            t.setDaemon(true);
            return t;
        });
        Hub hub = new Hub(lock, catalog, podman, spawner, notebooks, server, control, maintenance, router, firstAdmin,
                config.tls().enabled(), new Sharing(shares, publicLinks, namespace), new Search(searchIndex, fileStore, freshness), runs,
                List.of(preserve, rerun), jobsApi::endStreams);
        podman.awaitReady(PODMAN_READY_WAIT);
        kernelScanner.scanAtStart();
        // A previous hub's runs did not survive it: their containers go, and their jobs are recorded as failed.
        runs.removeLeftovers();
        jobs.failUnfinished();
        archiveRuns.failUnfinished(clock.instant());
        // Before serving: the catalog must say what really runs before anyone asks.
        spawner.begin(maintenance);
        server.start();
        control.start();
        freshness.start(searchIndex.created()); // a new (or replaced) index is built in the background while serving
        maintenance.scheduleWithFixedDelay(() -> {
            try {
                int purged = fileStore.purgeTrash(config.storage().trashRetention());
                if (purged > 0) {
                    log.atInfo().addKeyValue("items", purged).log("emptied expired items from the trash");
                }
            } catch (IOException | RuntimeException e) {
                log.warn("emptying expired trash failed: {}", e.getMessage());
            }
        }, 5, 60, TimeUnit.MINUTES);
        maintenance.scheduleWithFixedDelay(() -> {
            try {
                sessions.purgeExpired();
            } catch (RuntimeException e) {
                log.warn("purging expired sessions failed: {}", e.getMessage());
            }
        }, 1, 60, TimeUnit.MINUTES);
        long scrubMinutes = Math.max(1, config.archives().scrubInterval().toMinutes());
        maintenance.scheduleWithFixedDelay(() -> {
            try {
                archives.scrub();
            } catch (RuntimeException e) {
                log.warn("the archive scrub failed: {}", e.getMessage());
            }
        }, scrubMinutes, scrubMinutes, TimeUnit.MINUTES);
        log.atInfo().addKeyValue("url", hub.baseUrl()).addKeyValue("data", paths.root()).addKeyValue("version", VERSION)
                .log("labhub is serving");
        return hub;
    }

    /** Opens the search index; one that cannot be used (corrupt, old format, other schema) is replaced by an empty one. */
    private static LuceneIndex openIndex(SitePaths paths, FileStore files, LabhubConfig config) throws IOException {
        try {
            return LuceneIndex.open(paths.index(), files, config.search());
        } catch (IndexUnusable e) {
            log.atWarn().addKeyValue("reason", e.getMessage()).log("the search index is unusable; starting an empty one");
            return LuceneIndex.recreate(paths.index(), files, config.search());
        }
    }

    private static boolean exists(FileStore store, Location item) {
        try {
            return store.stat(item).isPresent();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Server jetty(LabhubConfig config, SitePaths paths, Router router, Function<Handler, Handler> notebookProxy)
            throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Jetty's 8 KiB would answer a long search query (GET /api/search?q=…) with a bare 414 before the route can
        // explain its own limit; 32 KiB lets every request reach a handler that says what is wrong.
        http.setRequestHeaderSize(32 * 1024);
        if (config.http().forwardedHeaders()) {
            // Behind a reverse proxy every client would otherwise share the proxy's address (and its lockout).
            http.addCustomizer(new ForwardedRequestCustomizer());
        }
        ServerConnector connector;
        if (config.tls().enabled()) {
            http.addCustomizer(new SecureRequestCustomizer());
            connector = new ServerConnector(server, new SslConnectionFactory(TlsSetup.sslContextFactory(config.tls(), paths), "http/1.1"),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(config.http().bind());
        connector.setPort(config.http().port());
        // Jetty's default (0) leaves the JDK's listen backlog of 50: when a class of 200 connects at once, the kernel drops
        // the surplus SYNs and those browsers retry a second later (bench/run.sh api-users, docs/benchmarks.md).
        // Linux caps this at net.core.somaxconn (4096 by default).
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        server.addConnector(connector);

        ResourceHandler assets = new ResourceHandler();
        assets.setBaseResource(ResourceFactory.of(server).newClassLoaderResource("web/"));
        assets.setDirAllowed(false);
        assets.setCacheControl("max-age=3600");
        // The assets handler is this wrapper's child so that Jetty starts it with the server: an unstarted
        // ResourceHandler has no content factory and answers every /static/ request with a 500.
        Handler.Wrapper dispatch = new Handler.Wrapper(assets) {
            /**
             * Blocking, whatever the child says: the router reads form bodies and the database on the calling
             * thread. A wrapper would otherwise take the ResourceHandler's NON_BLOCKING and let Jetty run the
             * router on a selector thread, where waiting for a form body that comes in a later packet deadlocks.
             */
            @Override
            public InvocationType getInvocationType() {
                return InvocationType.BLOCKING;
            }

            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (Request.getPathInContext(request).startsWith("/static/")) {
                    if (super.handle(request, response, callback)) {
                        return true;
                    }
                }
                return router.handle(request, response, callback);
            }
        };
        server.setHandler(new GracefulHandler(notebookProxy.apply(new SecurityHeaders(dispatch, config.tls().enabled()))));
        server.setStopTimeout(config.http().shutdownGrace().toMillis());
        server.setErrorHandler(new HiddenErrorHandler());
        return server;
    }

    private static void prepareFolders(SitePaths paths) throws IOException {
        for (Path p : List.of(paths.homes(), paths.archives(), paths.index(), paths.datasets(), paths.runs())) {
            Files.createDirectories(p);
        }
        Files.createDirectories(paths.secrets());
        Files.setPosixFilePermissions(paths.secrets(), PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * On the very first start, creates the admin account. The password is saved before the account exists,
     * so a crash in between never leaves an admin whose password nobody knows.
     */
    private static Optional<String> firstAdmin(Accounts accounts, UserStore users, SitePaths paths, String name) throws IOException {
        if (users.count() > 0) {
            return Optional.empty();
        }
        Path file = paths.adminPassword();
        String password = Files.exists(file) ? Files.readString(file).trim() : Secrets.readablePassword(16);
        if (!Files.exists(file)) {
            AtomicFiles.writePrivate(file, (password + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return accounts.ensureFirstAdmin(name, password) ? Optional.of(password) : Optional.empty();
    }

    /** This hub's id (random, made once): its containers carry it, so hubs sharing one Podman leave each other's alone. */
    private static String hubId(SitePaths paths) throws IOException {
        Path file = paths.hubId();
        if (!Files.exists(file)) {
            AtomicFiles.writePrivate(file, (HexFormat.of().formatHex(Secrets.randomBytes(6)) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return Files.readString(file).trim();
    }

    /** The hub's signing key, generated once and kept in {@code <data>/secrets/session-key}. */
    private static byte[] secretKey(SitePaths paths) throws IOException {
        Path file = paths.sessionKey();
        if (!Files.exists(file)) {
            AtomicFiles.writePrivate(file, Secrets.randomToken(32).getBytes(StandardCharsets.US_ASCII));
        }
        return Files.readAllBytes(file);
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public String baseUrl() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port();
    }

    public Optional<String> firstAdminPassword() {
        return firstAdminPassword;
    }

    public List<Route> routes() {
        return router.routes();
    }

    public Catalog catalog() {
        return catalog;
    }

    public Spawner spawner() {
        return spawner;
    }

    public PodmanService podman() {
        return podman;
    }

    /** The notebook run engine (batch jobs, preserve runs). */
    public PodmanNotebookRuns runs() {
        return runs;
    }

    public Sharing sharing() {
        return sharing;
    }

    public Search search() {
        return search;
    }

    /** Commits and closes the search index; a failure is logged (the index is derived and is repaired at the next start). */
    private void closeIndex() {
        try {
            search.freshness().close(); // stops watching and reconciling, then commits
        } catch (Exception e) {
            log.warn("stopping the search index's updates failed: {}", e.toString());
        }
        try {
            search.index().close();
        } catch (IOException | RuntimeException e) {
            log.warn("closing the search index failed: {}", e.toString());
        }
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /**
     * Stops taking requests, lets in-flight ones finish (up to the grace period), stops the Podman service labhub
     * started (notebook containers keep running), then closes the catalog.
     */
    @Override
    public void close() throws Exception {
        try {
            control.stop();
            endStreams.run();
            server.stop();
        } finally {
            maintenance.shutdownNow();
            closeIndex();
            runs.close();
            for (AutoCloseable w : archiveWorkers) {
                w.close();
            }
            spawner.close();
            notebooks.close();
            podman.close();
            catalog.close();
            lock.close();
        }
        log.info("labhub stopped");
    }
}
