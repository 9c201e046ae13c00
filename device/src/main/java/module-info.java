/**
 * Owlet on a device: GPIO triggers and outputs (Pi4J, kept at the edge behind small interfaces),
 * camera frame sources, and the headless service behind {@code owlet run}.
 */
module owlet.device {
    requires owlet.runtime;
    requires com.pi4j;
    requires org.eclipse.paho.client.mqttv3; // an automatic module (Paho ships no module-info)
    requires jdk.httpserver; // the status page (com.sun.net.httpserver)
    requires jdk.unsupported; // sun.misc.Signal: finish the capture in flight on SIGTERM, then exit 0

    exports owlet.device.trigger;
    exports owlet.device.gpio;
    exports owlet.device.camera;
    exports owlet.device.service;

    provides owlet.runtime.command.Command with owlet.device.service.RunCommand;
}
