/** MobileNet family builders, cost model and post-training quantization (quantization issue). */
module owlet.quantization {
    requires owlet.runtime;

    exports owlet.quantization.zoo;
    exports owlet.quantization.cost;
    exports owlet.quantization.ptq;

    provides owlet.runtime.command.Command with owlet.quantization.cli.ZooCommand,
            owlet.quantization.cli.DequantizeCommand, owlet.quantization.cli.QuantizeCommand;
}
