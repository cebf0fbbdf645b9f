// Starts mongo-java-server (a MongoDB-wire-compatible server written in Java, not MongoDB itself)
// with its H2 backend, so data survives a restart. Used by prodready.testing.MongoServer; compiled
// by scripts/install-test-deps against the jars that Maven copied into the cache.
//
// Usage: java -cp classes:lib/* MongoLauncher DATA_FILE HOST PORT
// Prints "prodready: mongo ready" once it listens.

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.util.List;
import java.util.concurrent.CountDownLatch;

public final class MongoLauncher {
    private MongoLauncher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: MongoLauncher DATA_FILE HOST PORT");
            System.exit(2);
        }
        H2Backend backend = new H2Backend(args[0]);
        // mongo-java-server announces MongoDB 4.0 (wire version 7); current PyMongo refuses anything
        // below 4.4 (wire version 9). Announce 4.4: the CRUD and index commands tests use are the
        // same, and a command the server lacks still fails loudly with "no such command".
        backend.version(new MongoVersion() {
            @Override
            public List<Integer> getVersionArray() {
                return List.of(4, 4, 0);
            }

            @Override
            public int getWireVersion() {
                return 9;
            }
        });
        MongoServer server = new MongoServer(backend);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();  // closes the backend, which writes the H2 store
            stopped.countDown();
        }));
        server.bind(args[1], Integer.parseInt(args[2]));
        System.out.println("prodready: mongo ready");
        System.out.flush();
        stopped.await();
    }
}
