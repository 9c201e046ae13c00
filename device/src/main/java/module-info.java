/** GPIO triggers, camera capture and the headless service (device issue). */
module owlet.device {
    requires owlet.runtime;
}
