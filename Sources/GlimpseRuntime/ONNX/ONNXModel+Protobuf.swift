// Serialisation of ONNXModel to the protobuf messages of onnx/onnx.proto.
// Field numbers are the schema's; fields are written in ascending field-number order.

extension ONNXModel {
    /// The model as ONNX protobuf bytes (`ModelProto`).
    public func serializedBytes() -> [UInt8] {
        var model = ProtobufWriter()
        model.int(1, irVersion)                              // ir_version
        model.string(2, producerName)                        // producer_name
        model.string(3, producerVersion)                     // producer_version
        model.message(7) { graph.write(to: &$0) }            // graph
        for set in operatorSets {                            // opset_import
            model.message(8) { entry in
                entry.string(1, set.domain)
                entry.int(2, set.version)
            }
        }
        return model.bytes
    }
}

extension ONNXGraph {
    func write(to graph: inout ProtobufWriter) {
        for node in nodes { graph.message(1) { node.write(to: &$0) } }          // node
        graph.string(2, name)                                                   // name
        for tensor in initializers { graph.message(5) { tensor.write(to: &$0) } } // initializer
        for input in inputs { graph.message(11) { input.write(to: &$0) } }      // input
        for output in outputs { graph.message(12) { output.write(to: &$0) } }   // output
    }
}

extension ONNXNode {
    func write(to node: inout ProtobufWriter) {
        for input in inputs { node.string(1, input) }
        for output in outputs { node.string(2, output) }
        node.string(3, name)
        node.string(4, opType)
        for attribute in attributes { node.message(5) { attribute.write(to: &$0) } }
        if !domain.isEmpty { node.string(7, domain) }
    }
}

extension ONNXAttribute {
    /// AttributeProto.AttributeType numbers.
    private var typeNumber: Int {
        switch value {
        case .float: 1
        case .int: 2
        case .string: 3
        case .tensor: 4
        case .floats: 6
        case .ints: 7
        }
    }

    func write(to attribute: inout ProtobufWriter) {
        attribute.string(1, name)
        switch value {
        case .float(let number): attribute.float(2, number)
        case .int(let number): attribute.int(3, number)
        case .string(let text): attribute.string(4, text)
        case .tensor(let tensor): attribute.message(5) { tensor.write(to: &$0) }
        case .floats(let numbers): attribute.repeatedFloats(7, numbers)
        case .ints(let numbers): attribute.repeatedInts(8, numbers)
        }
        attribute.int(20, typeNumber)
    }
}

extension TensorDeclaration {
    func write(to tensor: inout ProtobufWriter) {
        tensor.repeatedInts(1, shape)                         // dims
        tensor.int(2, Int(elementType.rawValue))            // data_type
        tensor.string(8, name)                              // name
        switch contents {
        case .raw(let bytes):
            tensor.bytes(9, bytes)                          // raw_data
        case .external(let location, let offset, let length):
            for (key, value) in [("location", location), ("offset", String(offset)), ("length", String(length))] {
                tensor.message(13) { entry in              // external_data
                    entry.string(1, key)
                    entry.string(2, value)
                }
            }
            tensor.int(14, 1)                               // data_location = EXTERNAL
        }
    }
}

extension ValueInfo {
    func write(to info: inout ProtobufWriter) {
        info.string(1, name)
        info.message(2) { type in                           // TypeProto
            type.message(1) { tensorType in                 // tensor_type
                tensorType.int(1, Int(elementType.rawValue))
                if let shape {
                    tensorType.message(2) { shapeProto in   // TensorShapeProto
                        for dimension in shape {
                            shapeProto.message(1) { dim in
                                switch dimension {
                                case .fixed(let size): dim.int(1, size)
                                case .symbolic(let symbol): dim.string(2, symbol)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
