"""The JVM engines (Kafka, Cassandra, Elasticsearch) as private processes on loopback ports,
downloaded from Maven Central and started with ``java`` alone: no Docker, no tarballs.

``fetch`` resolves each engine's jars with one Maven reactor into ``.cache/engines`` (ignored
by git; ``INSTAGRAM_ENGINES_CACHE`` moves it, CI keeps it between runs). ``start_kafka`` and
``start_cassandra`` return a :class:`~tests.engines.ServerProcess` whose ``stop``/``start``
fault tests use; each start begins from an empty data directory. The versions and flags are
the ones verified on this machine (Kafka 4.3.1 in KRaft mode, Cassandra 5.0.9 on Java 17).

``python -m tests.jvm_engines fetch [kafka cassandra es]`` warms the cache (``.ci/run`` does).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import urllib.request
from pathlib import Path

from tests.engines import ServerProcess, free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("INSTAGRAM_ENGINES_CACHE", ROOT / ".cache" / "engines"))
M2 = CACHE / "m2"

KAFKA_VERSION = "4.3.1"
CASSANDRA_VERSION = "5.0.9"
ES_RUNNER_VERSION = "7.10.2.0"
LOG4J_VERSION = "2.25.3"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"

# C1 only: about a third faster to start and 110 MB less resident, which suits test runs.
FAST_START = ["-XX:+UseG1GC", "-XX:TieredStopAtLevel=1"]

_DEPENDENCIES = {
    "kafka": f"""
        <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
          <version>{KAFKA_VERSION}</version></dependency>
        <!-- Kafka logs through SLF4J 1.7: the binding is log4j-slf4j-impl -->
        <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId>
          <version>{LOG4J_VERSION}</version></dependency>
        <dependency><groupId>org.apache.logging.log4j</groupId>
          <artifactId>log4j-slf4j-impl</artifactId><version>{LOG4J_VERSION}</version></dependency>
    """,
    "cassandra": f"""
        <dependency><groupId>org.apache.cassandra</groupId><artifactId>cassandra-all</artifactId>
          <version>{CASSANDRA_VERSION}</version></dependency>
    """,
    "es": f"""
        <dependency><groupId>org.codelibs</groupId>
          <artifactId>elasticsearch-cluster-runner</artifactId>
          <version>{ES_RUNNER_VERSION}</version></dependency>
    """,
}
# ES 7.10.2 brings log4j 2.11.1 (Log4Shell); 2.17.2 is verified to work with it.
_MANAGED = {
    "es": """
      <dependencyManagement><dependencies>
        <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-api</artifactId>
          <version>2.17.2</version></dependency>
        <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId>
          <version>2.17.2</version></dependency>
      </dependencies></dependencyManagement>
    """,
}


class EngineUnavailable(RuntimeError):
    """Java or Maven is missing, or Maven Central could not be reached."""


def java() -> str | None:
    return os.environ.get("JAVA") or shutil.which("java")


def lib_dir(engine: str) -> Path:
    return CACHE / engine / "lib"


def _pom(artifact: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
        "  <modelVersion>4.0.0</modelVersion>\n"
        f"  <groupId>local.instagram</groupId><artifactId>{artifact}</artifactId>"
        "<version>1</version>\n"
        f"  <packaging>pom</packaging>\n{body}\n</project>\n"
    )


def fetch(engines: list[str]) -> None:
    """Download what ``engines`` need, once: a present ``lib`` directory is kept."""
    wanted = [e for e in engines if not (lib_dir(e) / ".complete").exists()]
    if not wanted:
        return
    mvn = shutil.which("mvn")
    if mvn is None or java() is None:
        raise EngineUnavailable("java and mvn are needed to fetch the JVM engines")
    for engine in wanted:
        folder = CACHE / engine
        shutil.rmtree(folder / "lib", ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        body = f"{_MANAGED.get(engine, '')}<dependencies>{_DEPENDENCIES[engine]}</dependencies>"
        (folder / "pom.xml").write_text(_pom(f"{engine}-runtime", body))
    modules = "".join(f"<module>{e}</module>" for e in wanted)
    (CACHE / "pom.xml").write_text(_pom("engines", f"<modules>{modules}</modules>"))
    # One reactor, so parallel downloads share one local repository safely.
    result = subprocess.run(
        [
            mvn,
            "-q",
            "-B",
            "-T",
            "3",
            "-f",
            str(CACHE / "pom.xml"),
            f"-Dmaven.repo.local={M2}",
            DEPENDENCY_PLUGIN,
            "-DoutputDirectory=lib",
            "-DincludeScope=runtime",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-3000:]
        raise EngineUnavailable(f"maven could not fetch {wanted}:\n{output}")
    if "es" in wanted:
        _compile_es_runner()
    for engine in wanted:
        (lib_dir(engine) / ".complete").touch()


class KafkaServer(ServerProcess):
    """A single KRaft node (broker and controller in one JVM)."""

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"


class CassandraServer(ServerProcess):
    """A single Cassandra node; its data centre is ``datacenter1`` (SimpleSnitch)."""

    local_dc = "datacenter1"

    @property
    def contact_points(self) -> list[str]:
        return ["127.0.0.1"]


def _usable(engine: str) -> bool:
    try:
        fetch([engine])
    except EngineUnavailable:
        return False
    return True


def start_kafka(ready_timeout: float = 120) -> KafkaServer | None:
    """A fresh Kafka 4.3 node, or ``None`` without Java or Maven."""
    binary = java()
    if binary is None or not _usable("kafka"):
        return None
    workdir = Path(tempfile.mkdtemp(prefix="ig-kafka-"))
    port, controller_port = free_port(), free_port()
    properties = workdir / "server.properties"
    properties.write_text(
        textwrap.dedent(f"""\
            process.roles=broker,controller
            node.id=1
            controller.quorum.bootstrap.servers=127.0.0.1:{controller_port}
            listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
            advertised.listeners=PLAINTEXT://127.0.0.1:{port}
            controller.listener.names=CONTROLLER
            inter.broker.listener.name=PLAINTEXT
            listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
            log.dirs={workdir / "data"}
            num.partitions=1
            offsets.topic.replication.factor=1
            offsets.topic.num.partitions=1
            transaction.state.log.replication.factor=1
            transaction.state.log.min.isr=1
            transaction.state.log.num.partitions=1
            share.coordinator.state.topic.replication.factor=1
            share.coordinator.state.topic.min.isr=1
            group.initial.rebalance.delay.ms=0
            group.min.session.timeout.ms=1000
            auto.create.topics.enable=false
            """)
    )
    log_config = workdir / "log4j2.properties"
    log_config.write_text(
        textwrap.dedent("""\
            status = warn
            appender.out.type = Console
            appender.out.name = OUT
            appender.out.layout.type = PatternLayout
            appender.out.layout.pattern = [%d] %p %m (%c)%n
            rootLogger.level = WARN
            rootLogger.appenderRef.out.ref = OUT
            logger.started.name = kafka.server.KafkaRaftServer
            logger.started.level = INFO
            """)
    )
    classpath = ["-cp", f"{lib_dir('kafka')}/*"]
    logging_flag = f"-Dlog4j2.configurationFile=file:{log_config}"
    # A fixed cluster id saves the random-uuid JVM; the data directory is new each time.
    subprocess.run(
        [
            binary,
            "-Xmx128m",
            *FAST_START,
            logging_flag,
            *classpath,
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            "-t",
            "foPVvmt9TJu0HNJe32PTGQ",
            "-c",
            str(properties),
        ],
        check=True,
        capture_output=True,
    )
    command = [
        binary,
        "-Xms256m",
        "-Xmx512m",
        *FAST_START,
        logging_flag,
        *classpath,
        "kafka.Kafka",
        str(properties),
    ]
    server = KafkaServer("kafka", command, port, workdir, ready_timeout=ready_timeout)
    server.start()
    return server


# The module flags Cassandra's own jvm17-server.options passes, plus the NIO and
# java.util.concurrent opens that 5.0 needs when started without its shell script.
_CASSANDRA_JPMS = [
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
    "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
    "--add-exports=java.sql/java.sql=ALL-UNNAMED",
    "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED",
    *(
        f"--add-opens={module}=ALL-UNNAMED"
        for module in (
            "java.base/java.lang.module",
            "java.base/jdk.internal.loader",
            "java.base/jdk.internal.ref",
            "java.base/jdk.internal.reflect",
            "java.base/jdk.internal.math",
            "java.base/jdk.internal.module",
            "java.base/jdk.internal.util.jar",
            "jdk.management/com.sun.management.internal",
            "java.base/sun.nio.ch",
            "java.base/java.io",
            "java.base/java.lang.reflect",
            "jdk.compiler/com.sun.tools.javac",
            "java.base/java.lang",
            "java.base/java.util",
            "java.base/java.nio",
            "java.base/java.util.concurrent",
            "java.base/java.util.concurrent.atomic",
        )
    ),
]


def start_cassandra(ready_timeout: float = 180) -> CassandraServer | None:
    """A fresh Cassandra 5.0 node, or ``None`` without Java or Maven. Needs Java 17
    (Cassandra 5.0 fails on 25); ``JAVA`` picks the binary."""
    binary = java()
    if binary is None or not _usable("cassandra"):
        return None
    workdir = Path(tempfile.mkdtemp(prefix="ig-cassandra-"))
    port, storage_port = free_port(), free_port()
    config = workdir / "cassandra.yaml"
    config.write_text(
        textwrap.dedent(f"""\
            cluster_name: tests
            num_tokens: 1
            initial_token: 0
            partitioner: org.apache.cassandra.dht.Murmur3Partitioner
            endpoint_snitch: SimpleSnitch
            commitlog_sync: periodic
            commitlog_sync_period: 10000ms
            commitlog_segment_size: 8MiB
            listen_address: 127.0.0.1
            rpc_address: 127.0.0.1
            storage_port: {storage_port}
            native_transport_port: {port}
            start_native_transport: true
            seed_provider:
              - class_name: org.apache.cassandra.locator.SimpleSeedProvider
                parameters:
                  - seeds: "127.0.0.1:{storage_port}"
            concurrent_reads: 8
            concurrent_writes: 8
            concurrent_counter_writes: 8
            memtable_heap_space: 64MiB
            memtable_offheap_space: 64MiB
            key_cache_size: 16MiB
            counter_cache_size: 0MiB
            file_cache_size: 32MiB
            compaction_throughput: 0MiB/s
            auto_snapshot: false
            """)
    )
    logback = workdir / "logback.xml"
    logback.write_text(
        '<configuration><appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">'
        "<encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>"
        '</appender><root level="WARN"><appender-ref ref="OUT"/></root></configuration>'
    )
    lib = lib_dir("cassandra")
    jamm = next(lib.glob("jamm-*.jar"))
    command = [
        binary,
        "-Xms1g",  # test keyspaces and their memtables live on this heap
        "-Xmx1g",
        "-Xmn256m",
        "-XX:+ExitOnOutOfMemoryError",  # a dead node fails tests at once; a full heap hangs them
        "-Xss256k",
        *FAST_START,
        "-Djdk.attach.allowAttachSelf=true",
        *_CASSANDRA_JPMS,
        "-Dio.netty.tryReflectionSetAccessible=true",
        f"-Xbootclasspath/a:{jamm}",
        f"-javaagent:{jamm}",
        f"-Dcassandra.config=file://{config}",
        f"-Dcassandra.storagedir={workdir / 'data'}",
        f"-Dlogback.configurationFile=file://{logback}",
        "-Dcassandra-foreground=yes",
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.load_ring_state=false",
        "-cp",
        f"{lib}/*",
        "org.apache.cassandra.service.CassandraDaemon",
    ]
    server = CassandraServer("cassandra", command, port, workdir, ready_timeout=ready_timeout)
    server.start()
    return server


class ElasticsearchServer(ServerProcess):
    """A single Elasticsearch 7.10.2 node (the Apache-2.0 build, through codelibs' runner)."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Up means the cluster is yellow, not just the HTTP port open."""
        super().start()

        def yellow() -> bool:
            try:
                with urllib.request.urlopen(
                    f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=5s", timeout=10
                ) as answer:
                    return bool(answer.status == 200)
            except OSError:
                return False

        wait_for(yellow, self.name, self.ready_timeout)


def start_elasticsearch(ready_timeout: float = 120) -> ElasticsearchServer | None:
    """A fresh Elasticsearch 7.10.2 node, or ``None`` without Java or Maven.

    ``es.distribution.flavor=default`` makes ``GET /`` report the build flavor the
    ``elasticsearch`` 7.14-7.17 clients check for (7.13 does not look)."""
    binary = java()
    if binary is None or not _usable("es"):
        return None
    workdir = Path(tempfile.mkdtemp(prefix="ig-es-"))
    port, transport_port = free_port(), free_port()
    command = [
        binary,
        "-Xms512m",
        "-Xmx512m",
        *FAST_START,
        "-Des.distribution.flavor=default",
        f"-Des.transport.port={transport_port}",
        "-cp",
        f"{CACHE / 'es' / 'classes'}:{lib_dir('es')}/*",
        "EsRunner",
        "-numOfNode",
        "1",
        "-baseHttpPort",
        str(port - 1),  # the runner numbers nodes from 1: node 1 listens on base + 1
        "-basePath",
        str(workdir / "base"),
        "-clusterName",
        "tests",
    ]
    server = ElasticsearchServer("elasticsearch", command, port, workdir, ready_timeout)
    server.start()
    return server


_ES_RUNNER = """\
import org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner;

/** One embedded Elasticsearch 7.10.2 node on the ports it is given. */
public class EsRunner {
    public static void main(String[] args) throws Exception {
        ElasticsearchClusterRunner runner = new ElasticsearchClusterRunner();
        runner.setMaxHttpPort(-1); // the runner refuses HTTP ports above 9299 otherwise
        String transportPort = System.getProperty("es.transport.port", "19300");
        runner.onBuild((index, settings) -> settings
                .put("network.host", "127.0.0.1")
                .put("transport.port", transportPort)
                .put("discovery.type", "single-node"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try { runner.close(); } catch (Exception e) { /* shutting down */ }
        }));
        runner.build(args);
        while (!runner.isClosed()) Thread.sleep(5000);
    }
}
"""


def _compile_es_runner() -> None:
    folder = CACHE / "es"
    (folder / "EsRunner.java").write_text(_ES_RUNNER)
    (folder / "classes").mkdir(exist_ok=True)
    javac = shutil.which("javac")
    if javac is None:
        raise EngineUnavailable("javac is needed to build the Elasticsearch launcher")
    subprocess.run(
        [
            javac,
            "-cp",
            f"{lib_dir('es')}/*",
            "-d",
            str(folder / "classes"),
            str(folder / "EsRunner.java"),
        ],
        check=True,
        capture_output=True,
    )


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "fetch":
        sys.exit("usage: python -m tests.jvm_engines fetch [kafka cassandra es]")
    fetch(sys.argv[2:] or ["kafka", "cassandra"])
