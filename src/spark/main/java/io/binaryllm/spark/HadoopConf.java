package io.binaryllm.spark;

import org.apache.hadoop.conf.Configuration;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * The driver's Hadoop configuration as executors receive it (Hadoop's {@link Configuration} is not serializable):
 * file systems, credentials and {@code spark.hadoop.*} settings reach the tasks that open the shards.
 */
final class HadoopConf implements Serializable {
    private final byte[] written;
    private transient volatile Configuration conf;

    private HadoopConf(byte[] written) {
        this.written = written;
    }

    static HadoopConf of(Configuration conf) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            conf.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Hadoop configuration to memory", e);
        }
        return new HadoopConf(bytes.toByteArray());
    }

    /** The configuration, read once per executor. */
    Configuration get() {
        Configuration c = conf;
        if (c == null) {
            c = new Configuration(false);
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(written))) {
                c.readFields(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the Hadoop configuration from memory", e);
            }
            conf = c;
        }
        return c;
    }
}
