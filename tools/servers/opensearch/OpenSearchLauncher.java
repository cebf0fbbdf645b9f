// Starts a single-node OpenSearch (core + the Netty4 HTTP/transport module) on loopback ports.
// Used by prodready.testing.OpenSearchServer; compiled by scripts/install-test-deps against the jars
// that Maven copied into the cache. Like OpenSearch's own test nodes, it runs without the
// distribution's bootstrap checks and security manager, and with no plugins besides Netty4.
//
// Usage: java -cp classes:lib/* OpenSearchLauncher HOME HOST HTTP_PORT TRANSPORT_PORT
// Prints "prodready: opensearch ready" once the node has started.

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

public final class OpenSearchLauncher {
    private OpenSearchLauncher() {}

    private static final class LauncherNode extends Node {
        LauncherNode(Settings settings) {
            super(
                    InternalSettingsPreparer.prepareEnvironment(
                            settings, Collections.emptyMap(), null, () -> "prodready"),
                    List.of(Netty4Plugin.class),
                    true);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: OpenSearchLauncher HOME HOST HTTP_PORT TRANSPORT_PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]);
        Settings settings = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("cluster.name", "prodready")
                .put("node.name", "prodready")
                .put("discovery.type", "single-node")
                .put("network.host", args[1])
                .put("http.port", args[2])
                .put("transport.port", args[3])
                .put("http.type", "netty4")
                .put("transport.type", "netty4")
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("node.processors", 2)
                .build();
        Node node = new LauncherNode(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }));
        node.start();
        System.out.println("prodready: opensearch ready");
        System.out.flush();
        stopped.await();
    }
}
