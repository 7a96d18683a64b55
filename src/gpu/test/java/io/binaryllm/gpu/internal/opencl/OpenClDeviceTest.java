package io.binaryllm.gpu.internal.opencl;

import io.binaryllm.gpu.internal.Resources;
import org.jocl.CL;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening a device whose program does not build releases the context, queues and program it made, with the build log in the message. */
class OpenClDeviceTest {
    @Test
    void aProgramThatDoesNotBuildLeaksNothing() {
        OpenClTests.runtime();
        cl_platform_id[] platforms = new cl_platform_id[1];
        CL.clGetPlatformIDs(1, platforms, null);
        cl_device_id[] devices = new cl_device_id[1];
        CL.clGetDeviceIDs(platforms[0], CL.CL_DEVICE_TYPE_ALL, 1, devices, null);
        Resources resources = new Resources();
        assertThatThrownBy(() -> OpenClDevice.open(platforms[0], devices[0], false, "__kernel void broken( {", resources))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("the OpenCL program did not build: ");
        assertThat(resources.released()).containsExactly("program", "upload queue", "kernel queue", "context");
    }
}
