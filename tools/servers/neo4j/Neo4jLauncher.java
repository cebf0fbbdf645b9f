// Starts an embedded Neo4j Community server with the Bolt connector on a loopback port.
// Used by prodready.testing.Neo4jServer; compiled by scripts/install-test-deps against the jars
// that Maven copied into the cache.
//
// Usage: java -cp classes:lib/* Neo4jLauncher HOME HOST PORT   (password in $PRODREADY_NEO4J_PASSWORD)
// Prints "prodready: neo4j ready" once the password is set and Bolt accepts queries.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

public final class Neo4jLauncher {
    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Neo4jLauncher HOME HOST PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]);
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        String password = System.getenv("PRODREADY_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("PRODREADY_NEO4J_PASSWORD must hold a password of 8 characters or more");
            System.exit(2);
        }

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(32))
                // A test server has no clients worth waiting for at shutdown: stop in about a
                // second instead of the 10 s the Bolt defaults add (databases still checkpoint).
                .setConfig(
                        BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ZERO)
                .setConfig(
                        BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ZERO)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout,
                        Duration.ofSeconds(2))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }));

        // The first start replaces the default password; a restart keeps the data and the password.
        Path marker = home.resolve("prodready-password-set");
        if (!Files.exists(marker)) {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
            Files.writeString(marker, "yes\n");
        }
        dbms.database("neo4j").executeTransactionally("RETURN 1");
        System.out.println("prodready: neo4j ready");
        System.out.flush();
        stopped.await();
    }
}
